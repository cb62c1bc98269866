/**
 * Supervision statistics (月度督查统计) over real cases of all four channels, seeded through their
 * own HTTP APIs from September to November 2026 across 国庆 and the 调休 Saturday 10-10 (see
 * seedAutumn2026 for every case and its deadline). The clock rests at 2026-11-20 10:00 CST.
 */
import request from 'supertest';
import type { StatsRow } from '../../shared/stats';
import { auth, createTestApp, createTestClock, type TestApp } from '../support/app';
import { at, cst, seedAutumn2026, STATS_TEST_ENV, type AutumnScenario } from '../support/stats-factories';

let t: TestApp;
let s: AutumnScenario;

beforeAll(async () => {
  t = await createTestApp({ env: STATS_TEST_ENV, clock: createTestClock(cst('2026-09-01T09:00')) });
  s = await seedAutumn2026(t);
}, 120_000);
afterAll(() => t.close());

const A_NAME = '县交通运输局';
const B_NAME = '县住房和城乡建设局';

type Figures = Omit<StatsRow, 'channel' | 'channelName' | 'kind' | 'departmentId' | 'departmentName'>;
const CHANNEL_NAMES = { letters: '主任信箱', error_reports: '我为政府网站找错', consultations: '意见征集', policy_interpretations: '政策解读' } as const;
const UNRATED = { rated: null, satisfied: null, satisfactionRate: null };

function row(channel: StatsRow['channel'], where: 'A' | 'B' | 'unassigned' | 'total', figures: Figures): StatsRow {
  const base = { channel, channelName: CHANNEL_NAMES[channel] };
  if (where === 'total') return { ...base, kind: 'total', departmentId: null, departmentName: null, ...figures };
  if (where === 'unassigned') return { ...base, kind: 'unassigned', departmentId: null, departmentName: null, ...figures };
  return { ...base, kind: 'department', departmentId: where === 'A' ? s.a : s.b, departmentName: where === 'A' ? A_NAME : B_NAME, ...figures };
}

/** October 2026 as computed on 2026-11-20 10:00. */
function octoberRows(): StatsRow[] {
  return [
    // Mailbox: A replied L1 (3 wd, on time), L2 (16 wd, late), L5 (8 wd, on time); L1 rated 5, L2 rated 2.
    row('letters', 'A', { received: 1, handled: 3, replied: 3, handledOnTime: 2, onTimeRate: 0.6667, overdueNow: 0, averageWorkingDays: 9, rated: 2, satisfied: 1, satisfactionRate: 0.5 }),
    row('letters', 'B', { received: 1, handled: 0, replied: 0, handledOnTime: 0, onTimeRate: null, overdueNow: 1, averageWorkingDays: null, rated: 0, satisfied: 0, satisfactionRate: null }),
    // L4 rejected (handled without a reply), L6 (November) waiting past its accept deadline now.
    row('letters', 'unassigned', { received: 1, handled: 1, replied: 0, handledOnTime: 0, onTimeRate: null, overdueNow: 1, averageWorkingDays: null, rated: 0, satisfied: 0, satisfactionRate: null }),
    row('letters', 'total', { received: 3, handled: 4, replied: 3, handledOnTime: 2, onTimeRate: 0.6667, overdueNow: 2, averageWorkingDays: 9, rated: 2, satisfied: 1, satisfactionRate: 0.5 }),
    // 找错: A replied E1 (2 wd) and E5 (1 wd) on time; B replied E2 late (4 wd); E3 open past its forward deadline, E4 its duplicate.
    row('error_reports', 'A', { received: 1, handled: 2, replied: 2, handledOnTime: 2, onTimeRate: 1, overdueNow: 0, averageWorkingDays: 1.5, ...UNRATED }),
    row('error_reports', 'B', { received: 1, handled: 1, replied: 1, handledOnTime: 0, onTimeRate: 0, overdueNow: 0, averageWorkingDays: 4, ...UNRATED }),
    row('error_reports', 'unassigned', { received: 2, handled: 0, replied: 0, handledOnTime: 0, onTimeRate: null, overdueNow: 1, averageWorkingDays: null, ...UNRATED }),
    row('error_reports', 'total', { received: 4, handled: 3, replied: 3, handledOnTime: 2, onTimeRate: 0.6667, overdueNow: 1, averageWorkingDays: 2.33, ...UNRATED }),
    // 意见征集: C1's report on time (5 wd after closing); C2's 3 October opinions, report overdue now.
    row('consultations', 'A', { received: 0, handled: 1, replied: 1, handledOnTime: 1, onTimeRate: 1, overdueNow: 0, averageWorkingDays: 5, ...UNRATED }),
    row('consultations', 'B', { received: 3, handled: 0, replied: 0, handledOnTime: 0, onTimeRate: null, overdueNow: 1, averageWorkingDays: null, ...UNRATED }),
    row('consultations', 'total', { received: 3, handled: 1, replied: 1, handledOnTime: 1, onTimeRate: 1, overdueNow: 1, averageWorkingDays: 5, ...UNRATED }),
    // 政策解读: P1 interpreted on time (2 wd), P2 late (5 wd), P3 uninterpreted past its deadline.
    row('policy_interpretations', 'A', { received: 1, handled: 1, replied: 1, handledOnTime: 1, onTimeRate: 1, overdueNow: 1, averageWorkingDays: 2, ...UNRATED }),
    row('policy_interpretations', 'B', { received: 1, handled: 1, replied: 1, handledOnTime: 0, onTimeRate: 0, overdueNow: 0, averageWorkingDays: 5, ...UNRATED }),
    row('policy_interpretations', 'total', { received: 2, handled: 2, replied: 2, handledOnTime: 1, onTimeRate: 0.5, overdueNow: 1, averageWorkingDays: 3.5, ...UNRATED }),
  ];
}

const monthly = (token: string | null, query: Record<string, string> = {}) => {
  const r = request(t.app).get('/api/admin/stats/monthly').query(query);
  return token ? r.set(auth(token)) : r;
};

/** Reads a binary body as a Buffer. */
function binary(r: request.Test): request.Test {
  return r.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
}

describe('GET /api/admin/stats/monthly', () => {
  it('gives every channel per department, the unassigned bucket and a total row, on one row schema, for an admin', async () => {
    const res = await monthly(s.crew.admin.token, { month: '2026-10' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      month: '2026-10',
      from: '2026-09-30T16:00:00.000Z',
      to: '2026-10-31T16:00:00.000Z',
      computedAt: new Date(cst('2026-11-20T10:00')).toISOString(),
      scope: 'all',
      departmentId: null,
    });
    expect(res.body.channels.map((c: { channel: string; name: string; hasRatings: boolean }) => [c.channel, c.name, c.hasRatings])).toEqual([
      ['letters', '主任信箱', true],
      ['error_reports', '我为政府网站找错', false],
      ['consultations', '意见征集', false],
      ['policy_interpretations', '政策解读', false],
    ]);
    expect(res.body.rows).toEqual(octoberRows());
  });

  it('answers office and reviewer with the same table', async () => {
    for (const who of [s.crew.office, s.crew.reviewer]) {
      const res = await monthly(who.token, { month: '2026-10' });
      expect(res.status).toBe(200);
      expect(res.body.rows).toEqual(octoberRows());
    }
  });

  it('gives September its own figures: received there, handled in October', async () => {
    const res = await monthly(s.crew.office.token, { month: '2026-09' });
    const totals = Object.fromEntries(res.body.rows.filter((r: StatsRow) => r.kind === 'total').map((r: StatsRow) => [r.channel, r]));
    expect(totals.letters).toMatchObject({ received: 2, handled: 0, replied: 0, onTimeRate: null, rated: 0, satisfactionRate: null, averageWorkingDays: null });
    expect(totals.error_reports).toMatchObject({ received: 1, handled: 0 });
    expect(totals.consultations).toMatchObject({ received: 3, handled: 0 });
    expect(totals.policy_interpretations).toMatchObject({ received: 1, handled: 0 });
  });

  it('shows a handler only their own department rows, without unassigned or total rows', async () => {
    const a = await monthly(s.crew.handler.token, { month: '2026-10' });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ scope: 'department', departmentId: s.a });
    expect(a.body.rows).toEqual(octoberRows().filter((r) => r.departmentId === s.a));
    expect(a.body.rows).toHaveLength(4);

    const b = await monthly(s.crew.otherHandler.token, { month: '2026-10' });
    expect(b.body.rows).toEqual(octoberRows().filter((r) => r.departmentId === s.b));
    expect(JSON.stringify(b.body)).not.toContain(A_NAME);

    // A department with no cases has no rows at all (never made-up zeros).
    const quiet = await t.createDepartment({ name: '县档案馆' });
    const res = await monthly(await t.staffToken('handler', quiet._id.toHexString()), { month: '2026-10' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ scope: 'department', departmentId: quiet._id.toHexString(), rows: [] });
  });

  it('defaults to the current CST month', async () => {
    const res = await monthly(s.crew.office.token);
    expect(res.status).toBe(200);
    expect(res.body.month).toBe('2026-11');
    // November: L6 received; L5 rated 4 (satisfied); L3 and L6 overdue now.
    expect(res.body.rows.find((r: StatsRow) => r.channel === 'letters' && r.kind === 'total')).toEqual(
      row('letters', 'total', { received: 1, handled: 0, replied: 0, handledOnTime: 0, onTimeRate: null, overdueNow: 2, averageWorkingDays: null, rated: 1, satisfied: 1, satisfactionRate: 1 }),
    );
  });

  it('audits every read as stats.read with the month, format and scope', async () => {
    const before = await t.models.AuditEntry.countDocuments({ action: 'stats.read' });
    await monthly(s.crew.reviewer.token, { month: '2026-10' }).expect(200);
    await monthly(s.crew.handler.token, { month: '2026-10', format: 'csv' }).expect(200);
    const entries = await t.models.AuditEntry.find({ action: 'stats.read' }).sort({ _id: -1 }).limit(2).lean();
    expect(await t.models.AuditEntry.countDocuments({ action: 'stats.read' })).toBe(before + 2);
    expect(entries[1]).toMatchObject({
      actor: { kind: 'staff', id: s.crew.reviewer.id, role: 'reviewer' },
      targetType: 'stats',
      targetId: '2026-10',
      details: { month: '2026-10', format: 'json', scope: 'all', departmentId: null, rows: 14 },
    });
    expect(entries[0]).toMatchObject({
      actor: { kind: 'staff', id: s.crew.handler.id, role: 'handler' },
      details: { month: '2026-10', format: 'csv', scope: 'department', departmentId: s.a, rows: 4 },
    });
    expect(entries[0].requestId).toEqual(expect.any(String));
  });

  describe('who may read it', () => {
    it('answers 401 without a token and with a malformed one', async () => {
      const none = await monthly(null, { month: '2026-10' });
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('unauthorized');
      expect((await monthly('not.a.token', { month: '2026-10' })).status).toBe(401);
    });

    it('answers 403 forbidden to a citizen', async () => {
      const res = await monthly(await t.citizenToken('stats-curious'), { month: '2026-10' });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    });

    it.each(['admin', 'office', 'reviewer', 'handler'] as const)('lets %s through', async (role) => {
      expect((await monthly(await t.staffToken(role), { month: '2026-10' })).status).toBe(200);
    });
  });

  describe('month validation', () => {
    it.each([
      ['2026-13', '月份格式应为YYYY-MM，例如2026-10'],
      ['2026-1', '月份格式应为YYYY-MM，例如2026-10'],
      ['十月', '月份格式应为YYYY-MM，例如2026-10'],
      ['', '月份格式应为YYYY-MM，例如2026-10'],
      ['1999-12', '月份不能早于2000年1月'],
      ['2026-12', '不能查询未来月份的统计，最晚为2026-11'],
      ['2027-01', '不能查询未来月份的统计，最晚为2026-11'],
    ])('refuses month=%s with a Chinese message', async (month, message) => {
      const res = await monthly(s.crew.office.token, { month });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_error', details: [{ in: 'query', path: 'month', message }] });
    });

    it('refuses an unknown format', async () => {
      const res = await monthly(s.crew.office.token, { month: '2026-10', format: 'xlsx' });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ in: 'query', path: 'format', message: '导出格式只能是 json 或 csv' }]);
    });

    it('accepts January 2000, where every channel has nothing to count', async () => {
      const res = await monthly(s.crew.office.token, { month: '2000-01' });
      expect(res.status).toBe(200);
      const totals = res.body.rows.filter((r: StatsRow) => r.kind === 'total');
      expect(totals.map((r: StatsRow) => [r.channel, r.received, r.handled, r.onTimeRate, r.averageWorkingDays])).toEqual([
        ['letters', 0, 0, null, null],
        ['error_reports', 0, 0, null, null],
        ['consultations', 0, 0, null, null],
        ['policy_interpretations', 0, 0, null, null],
      ]);
    });
  });

  describe('format=csv', () => {
    it('exports the table as UTF-8 CSV with BOM, CRLF, a Chinese header, percentages and empty cells for missing figures', async () => {
      const res = await binary(monthly(s.crew.admin.token, { month: '2026-10', format: 'csv' }));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="______-2026-10.csv"; filename*=UTF-8''${encodeURIComponent('月度督查统计-2026-10.csv')}`,
      );
      const body = res.body as Buffer;
      expect(Number(res.headers['content-length'])).toBe(body.length);
      expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(body.toString('utf8').slice(1)).toBe(
        [
          '渠道,部门,收件数,办结数,答复数,按时办结数,按时办结率,当前超期数,平均办理工作日,评价数,满意数,满意率',
          '主任信箱,县交通运输局,1,3,3,2,66.7%,0,9,2,1,50.0%',
          '主任信箱,县住房和城乡建设局,1,0,0,0,,1,,0,0,',
          '主任信箱,未分派（办公室）,1,1,0,0,,1,,0,0,',
          '主任信箱,合计,3,4,3,2,66.7%,2,9,2,1,50.0%',
          '我为政府网站找错,县交通运输局,1,2,2,2,100.0%,0,1.5,,,',
          '我为政府网站找错,县住房和城乡建设局,1,1,1,0,0.0%,0,4,,,',
          '我为政府网站找错,未分派（办公室）,2,0,0,0,,1,,,,',
          '我为政府网站找错,合计,4,3,3,2,66.7%,1,2.33,,,',
          '意见征集,县交通运输局,0,1,1,1,100.0%,0,5,,,',
          '意见征集,县住房和城乡建设局,3,0,0,0,,1,,,,',
          '意见征集,合计,3,1,1,1,100.0%,1,5,,,',
          '政策解读,县交通运输局,1,1,1,1,100.0%,1,2,,,',
          '政策解读,县住房和城乡建设局,1,1,1,0,0.0%,0,5,,,',
          '政策解读,合计,2,2,2,1,50.0%,1,3.5,,,',
          '',
        ].join('\r\n'),
      );
    });

    it("gives a handler's export only their department's lines", async () => {
      const res = await binary(monthly(s.crew.otherHandler.token, { month: '2026-10', format: 'csv' }));
      expect(res.status).toBe(200);
      const lines = (res.body as Buffer).toString('utf8').slice(1).split('\r\n');
      expect(lines).toEqual([
        expect.stringMatching(/^渠道,部门,/),
        '主任信箱,县住房和城乡建设局,1,0,0,0,,1,,0,0,',
        '我为政府网站找错,县住房和城乡建设局,1,1,1,0,0.0%,0,4,,,',
        '意见征集,县住房和城乡建设局,3,0,0,0,,1,,,,',
        '政策解读,县住房和城乡建设局,1,1,1,0,0.0%,0,5,,,',
        '',
      ]);
    });

    it('is documented with both answers, JSON and CSV, for every staff role', () => {
      const paths = t.built.openapi.paths as Record<string, Record<string, { 'x-staff-roles': string[]; responses: Record<string, { content: Record<string, unknown> }> }>>;
      const op = paths['/api/admin/stats/monthly'].get;
      expect(Object.keys(op.responses['200'].content).sort()).toEqual(['application/json', 'text/csv']);
      expect(op['x-staff-roles']).toEqual(['admin', 'office', 'reviewer', 'handler']);
    });

    it('validates the month before exporting', async () => {
      const res = await monthly(s.crew.office.token, { month: '2026-12', format: 'csv' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/json/);
    });
  });
});

describe('GET /api/stats/public', () => {
  const publicStats = (query: Record<string, string> = {}) => request(t.app).get('/api/stats/public').query(query);

  it('publishes the last complete month per channel with the year to date, without login', async () => {
    const res = await publicStats();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      month: '2026-10',
      yearToDate: { from: '2026-01', to: '2026-10' },
      channels: [
        {
          channel: 'letters',
          name: '主任信箱',
          month: { received: 3, handled: 4, onTimeRate: 0.6667, satisfactionRate: 0.5 },
          yearToDate: { received: 5, handled: 4, onTimeRate: 0.6667, satisfactionRate: 0.5 },
        },
        {
          channel: 'error_reports',
          name: '我为政府网站找错',
          month: { received: 4, handled: 3, onTimeRate: 0.6667, satisfactionRate: null },
          yearToDate: { received: 5, handled: 3, onTimeRate: 0.6667, satisfactionRate: null },
        },
        {
          channel: 'consultations',
          name: '意见征集',
          month: { received: 3, handled: 1, onTimeRate: 1, satisfactionRate: null },
          yearToDate: { received: 6, handled: 1, onTimeRate: 1, satisfactionRate: null },
        },
        {
          channel: 'policy_interpretations',
          name: '政策解读',
          month: { received: 2, handled: 2, onTimeRate: 0.5, satisfactionRate: null },
          yearToDate: { received: 3, handled: 2, onTimeRate: 0.5, satisfactionRate: null },
        },
      ],
    });
  });

  it('exposes no department, no overdue figure and no personal data', async () => {
    const res = await publicStats({ month: '2026-10' });
    const text = JSON.stringify(res.body);
    for (const secret of [A_NAME, B_NAME, s.a, s.b, s.writerName, 'departmentId', 'departmentName', 'overdueNow', 'rows', 'dev_', 'userId']) {
      expect(text).not.toContain(secret);
    }
    // Nothing of it is audited: it is not a staff read.
    expect(await t.models.AuditEntry.countDocuments({ action: 'stats.read', 'actor.kind': { $ne: 'staff' } })).toBe(0);
  });

  it('answers an earlier month with the year to date through that month', async () => {
    const res = await publicStats({ month: '2026-09' });
    expect(res.status).toBe(200);
    expect(res.body.yearToDate).toEqual({ from: '2026-01', to: '2026-09' });
    expect(res.body.channels[0]).toEqual({
      channel: 'letters',
      name: '主任信箱',
      month: { received: 2, handled: 0, onTimeRate: null, satisfactionRate: null },
      yearToDate: { received: 2, handled: 0, onTimeRate: null, satisfactionRate: null },
    });
  });

  it.each([
    ['2026-11', '只能查询已结束月份的统计，最近为2026-10'],
    ['2026-12', '只能查询已结束月份的统计，最近为2026-10'],
    ['1999-12', '月份不能早于2000年1月'],
    ['2026/10', '月份格式应为YYYY-MM，例如2026-10'],
  ])('refuses month=%s with a Chinese message', async (month, message) => {
    const res = await publicStats({ month });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_error', details: [{ in: 'query', path: 'month', message }] });
  });

  it('is cacheable for anonymous readers when the deployment allows it', async () => {
    const cached = await createTestApp({ database: t.db, env: { ...STATS_TEST_ENV, PUBLIC_CACHE_SECONDS: '300' }, clock: t.clock });
    try {
      const res = await request(cached.app).get('/api/stats/public');
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=60');
    } finally {
      await cached.close();
    }
  });
});

describe('months in China Standard Time', () => {
  afterAll(() => at(t, s.crew, '2026-11-20T10:00'));

  it('moves the default months at CST midnight, not UTC midnight', async () => {
    // 2026-12-01 00:30 CST is still 2026-11-30 in UTC.
    at(t, s.crew, '2026-11-30T23:30');
    expect((await monthly(s.crew.office.token)).body.month).toBe('2026-11');
    expect((await request(t.app).get('/api/stats/public')).body.month).toBe('2026-10');
    at(t, s.crew, '2026-12-01T00:30');
    expect((await monthly(s.crew.office.token)).body.month).toBe('2026-12');
    expect((await request(t.app).get('/api/stats/public')).body.month).toBe('2026-11');
  });
});
