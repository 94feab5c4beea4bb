/** Prints `--search-attribute NAME=Type` pairs (one token per line) for `temporal server start-dev`. */
import { devServerSearchAttributeFlags } from '../worker/searchAttributes';

process.stdout.write(`${devServerSearchAttributeFlags().join('\n')}\n`);
