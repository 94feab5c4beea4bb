import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import type { temporal } from '@temporalio/proto';
import { allSearchAttributes } from '../workflows/lib/searchAttributes';

/** The custom search attributes as the operator API wants them (name → indexed value type). */
export function searchAttributeTypes(): Record<string, temporal.api.enums.v1.IndexedValueType> {
  return Object.fromEntries(
    allSearchAttributes.map((k) => [k.name, encodeSearchAttributeIndexedValueType(k.type) as temporal.api.enums.v1.IndexedValueType]),
  );
}

/** `--search-attribute NAME=Type` flags for `temporal server start-dev`. */
export function devServerSearchAttributeFlags(): string[] {
  const cli: Record<string, string> = {
    TEXT: 'Text', KEYWORD: 'Keyword', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList',
  };
  return allSearchAttributes.flatMap((k) => ['--search-attribute', `${k.name}=${cli[k.type]}`]);
}
