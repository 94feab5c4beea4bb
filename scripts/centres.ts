/**
 * Service centres, from the command line:
 *
 *   npm run centre:add  -- --id north --name 北区服务中心 [--open 09:00] [--close 18:00] [--rest-days 0] [--holidays 2026-12-24] [--workdays 2026-10-07] [--price-list north-prices.json]
 *   npm run centre:list
 *
 * A centre's calendar is the company's (config/calendar.json with the national
 * holidays) with its own hours, rest days and days; it is checked in full here.
 * Its price list is the company's (config/priceList.json) unless it has its own
 * (`--price-list FILE`, the same fields), checked here too.
 * Adding a centre also creates its schedules (weekly key audit, monthly filing...) when
 * Temporal is reachable; `npm run schedules` creates them later otherwise.
 * Staff join a centre with `npm run staff:add -- ... --centre north`.
 */
import { parseArgs } from 'node:util';
import { loadCalendarConfig } from '../config/loadCalendar';
import { runWithDb } from './cli';
import { ensureCentreSchedules } from './schedules';
import fs from 'node:fs';
import { centreCalendarOf, centreCalendarSchema, centreIdSchema, centrePriceListOf } from '../api/centres';

const usage = 'usage: centres <add|list> [--id ID] [--name NAME] [--open HH:MM] [--close HH:MM] [--rest-days 0,6] [--holidays YYYY-MM-DD,...] [--workdays YYYY-MM-DD,...] [--price-list FILE]';
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
    case 'list':
      console.log(JSON.stringify(await db.centre.findMany({ orderBy: { id: 'asc' }, include: { staff: { select: { staffId: true } } } }), null, 2));
      break;
    default:
      throw new Error(usage);
  }
});
