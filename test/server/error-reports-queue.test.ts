/**
 * The 找错 staff queue by deadline (`sort=dueAt`) and the list's total count (issue 9: the
 * console's 找错 queue).
 */
import request from 'supertest';
import { auth, createTestApp, createTestClock, type TestApp, type TestStaff } from '../support/app';
import { createCrew, cst, ERROR_REPORT_TEST_ENV, forwardReport, replyReport, setClock, submitReport, type ErrorReportCrew } from '../support/error-report-factories';

let t: TestApp;
let crew: ErrorReportCrew;
let citizen: string;
const reports: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp({ env: ERROR_REPORT_TEST_ENV, clock: createTestClock(cst('2026-11-02T09:00')) });
  crew = await createCrew(t);
  citizen = await t.citizenToken('queue-reporter');
  const dept = crew.department._id.toHexString();
  // Monday: one forwarded (reply due Thursday), one replied (no deadline).
  reports.forwarded = await submitReport(t, citizen);
  await forwardReport(t, crew.office, reports.forwarded, dept);
  reports.replied = await submitReport(t, citizen);
  await forwardReport(t, crew.office, reports.replied, dept);
  await replyReport(t, crew.office, reports.replied);
  // Tuesday: two waiting to be forwarded (due Wednesday); Thursday: one more (due Friday).
  setClock(t, crew, '2026-11-03T09:00');
  reports.tuesday1 = await submitReport(t, citizen);
  reports.tuesday2 = await submitReport(t, citizen);
  setClock(t, crew, '2026-11-05T09:00');
  reports.thursday = await submitReport(t, citizen);
  // The forwarded report's reply is due at the end of Thursday: before the Friday forward deadline.
});
afterAll(() => t.close());

const list = (staff: TestStaff, query = '') => request(t.app).get(`/api/admin/error-reports?${query}`).set(auth(staff.token));
const ids = (res: request.Response) => (res.body.items as { id: string }[]).map((i) => i.id);

describe('GET /api/admin/error-reports?sort=dueAt', () => {
  it('orders open reports by their current step’s deadline, earliest first, then the rest newest first', async () => {
    const res = await list(crew.office, 'sort=dueAt');
    expect(res.status).toBe(200);
    const [t1, t2] = [reports.tuesday1, reports.tuesday2].sort();
    expect(ids(res)).toEqual([t1, t2, reports.forwarded, reports.thursday, reports.replied]);
    // Agrees with the stored deadlines.
    const stored = await t.models.ErrorReport.find({ status: { $in: ['submitted', 'forwarded'] } }).lean();
    const due = (d: (typeof stored)[number]) => (d.status === 'submitted' ? d.forwardDeadline.dueAt : d.replyDeadline.dueAt).getTime();
    const expected = stored.sort((a, b) => due(a) - due(b) || a._id.toHexString().localeCompare(b._id.toHexString())).map((d) => d._id.toHexString());
    expect(ids(res).slice(0, 4)).toEqual(expected);
    expect(res.body.total).toBe(5);
  });

  it('pages through the queue with every page size, each report once', async () => {
    const expected = ids(await list(crew.office, 'sort=dueAt'));
    for (const limit of [1, 2, 3, 4, 5]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const res = await list(crew.office, `sort=dueAt&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.total).toBe(5);
        seen.push(...ids(res));
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      expect({ limit, seen }).toEqual({ limit, seen: expected });
    }
  });

  it('applies the filters, overdue included, and the handler’s scope', async () => {
    expect(ids(await list(crew.handler, 'sort=dueAt'))).toEqual([reports.forwarded, reports.replied]);
    expect((await list(crew.otherHandler, 'sort=dueAt')).body).toEqual({ items: [], nextCursor: null, total: 0 });
    // Thursday 09:00: the Tuesday reports' forward deadline (Wednesday) has passed.
    const overdue = await list(crew.office, 'sort=dueAt&overdue=forward');
    const [t1, t2] = [reports.tuesday1, reports.tuesday2].sort();
    expect(ids(overdue)).toEqual([t1, t2]);
    expect(overdue.body.total).toBe(2);
    expect((await list(crew.office, 'status=submitted&limit=1')).body.total).toBe(3);
  });

  it('refuses an unknown order and a cursor of another order', async () => {
    const bad = await list(crew.office, 'sort=urgency');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ in: 'query', path: 'sort', message: '只能是 submittedAt 或 dueAt' }]);
    const newest = await list(crew.office, 'limit=1');
    expect((await list(crew.office, `sort=dueAt&cursor=${newest.body.nextCursor}`)).status).toBe(400);
  });

  it('is for the office and handlers only', async () => {
    expect((await request(t.app).get('/api/admin/error-reports?sort=dueAt')).status).toBe(401);
    expect((await list(crew.reviewer, 'sort=dueAt')).status).toBe(403);
    expect((await list(crew.admin, 'sort=dueAt')).status).toBe(403);
  });
});
