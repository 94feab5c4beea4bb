/**
 * Service centres, from the command line:
 *
 *   npm run centre:add  -- --id north --name 北区服务中心 [--open 09:00] [--close 18:00] [--rest-days 0] [--holidays 2026-12-24] [--workdays 2026-10-07] [--price-list north-prices.json]
 *   npm run centre:units -- --id north --units 1-1-101,1-1-102 | --file units.txt   (one unit per line, `unit,label`)
 *   npm run centre:list
 *
 * A centre's calendar is the company's (config/calendar.json with the national
 * holidays) with its own hours, rest days and days; it is checked in full here.
 * Its price list is the company's (config/priceList.json) unless it has its own
 * (`--price-list FILE`, the same fields), checked here too.
 * Adding a centre also creates its schedules (weekly key audit, monthly filing...) when
 * Temporal is reachable; `npm run schedules` creates them later otherwise.
 * Once a centre has units on record, its cases, keys and papers are for those units only.
 * Staff join a centre with `npm run staff:add -- ... --centre north`.
 */
import { parseArgs } from 'node:util';
import { loadCalendarConfig } from '../config/loadCalendar';
import { runWithDb } from './cli';
import { ensureCentreSchedules } from './schedules';
import fs from 'node:fs';
import { centreCalendarOf, centreCalendarSchema, centreIdSchema, centrePriceListOf } from '../api/centres';

const usage = 'usage: centres <add|units|list> [--id ID] [--name NAME] [--open HH:MM] [--close HH:MM] [--rest-days 0,6] [--holidays YYYY-MM-DD,...] [--workdays YYYY-MM-DD,...] [--price-list FILE] [--units U1,U2 | --file FILE]';
const list = (v: string | undefined) => (v === undefined ? undefined : v.split(',').map((x) => x.trim()).filter(Boolean));

runWithDb(async (db) => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      open: { type: 'string' },
      close: { type: 'string' },
      'rest-days': { type: 'string' },
      holidays: { type: 'string' },
      workdays: { type: 'string' },
      'price-list': { type: 'string' },
      units: { type: 'string' },
      file: { type: 'string' },
    },
  });
  switch (positionals[0]) {
    case 'add': {
      const id = centreIdSchema.parse(values.id);
      const name = values.name?.trim();
      if (!name) throw new Error('--name is required');
      const own = centreCalendarSchema.parse(
        Object.fromEntries(
          Object.entries({ open: values.open, close: values.close, restDays: list(values['rest-days'])?.map(Number), holidays: list(values.holidays), makeUpWorkdays: list(values.workdays) }).filter(([, v]) => v !== undefined),
        ),
      );
      const calendar = JSON.stringify(own);
      centreCalendarOf(loadCalendarConfig(), { id, calendar }); // throws, naming each problem
      const file = values['price-list'];
      const priceList = file === undefined ? undefined : JSON.stringify(centrePriceListOf({ id, priceList: fs.readFileSync(file, 'utf8') }));
      const centre = await db.centre.upsert({ where: { id }, create: { id, name, calendar, priceList }, update: { name, calendar, ...(priceList === undefined ? {} : { priceList }) } });
      console.log(JSON.stringify({ centre }, null, 2));
      // Its weekly key audit, monthly filing, return-visit sample and calendar check, on its calendar.
      try {
        console.log(JSON.stringify({ schedules: await ensureCentreSchedules(db, id) }));
      } catch (err) {
        console.error(`服务中心已登记；Temporal 暂不可达，其定时任务未建立（${err instanceof Error ? err.message : String(err)}）：稍后运行 npm run schedules`);
      }
      break;
    }
    case 'units': {
      const id = centreIdSchema.parse(values.id);
      await db.centre.findUniqueOrThrow({ where: { id } });
      const lines = values.file !== undefined ? fs.readFileSync(values.file, 'utf8').split('\n') : (list(values.units) ?? []);
      const units = lines.map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => {
        const [unit = '', ...label] = l.split(',');
        if (!/^[^/\s]{1,40}$/.test(unit.trim())) throw new Error(`房号无效：${unit}`);
        return { centre: id, unit: unit.trim(), label: label.join(',').trim() };
      });
      if (units.length === 0) throw new Error('--units or --file names no unit');
      for (const u of units) await db.unit.upsert({ where: { centre_unit: { centre: id, unit: u.unit } }, create: u, update: { label: u.label } });
      console.log(JSON.stringify({ centre: id, units: units.length, onRecord: await db.unit.count({ where: { centre: id } }) }));
      break;
    }
    case 'list':
      console.log(JSON.stringify(await db.centre.findMany({ orderBy: { id: 'asc' }, include: { staff: { select: { staffId: true } } } }), null, 2));
      break;
    default:
      throw new Error(usage);
  }
});
