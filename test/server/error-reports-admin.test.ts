/**
 * 找错 reports, staff side: who may do what, the list and its filters (overdue derived with the
 * test clock), the audited detail, forward / reply / close with their state rules, late marks,
 * audit entries, and the monthly supervision figures.
 */
import request from 'supertest';
import { auth, createTestApp, createTestClock, type TestApp, type TestStaff } from '../support/app';
import {
  createCrew,
  cst,
  ERROR_REPORT_TEST_ENV,
  forwardReport,
  replyReport,
  setClock,
  siteUrl,
  submitReport,
  type ErrorReportCrew,
} from '../support/error-report-factories';
import { nextSeq } from '../support/factories';
import { pngBytes, upload } from '../support/platform-factories';

let t: TestApp;
let crew: ErrorReportCrew;
let citizen: string;
const SOME_ID = '0123456789abcdef01234567';

beforeAll(async () => {
  t = await createTestApp({ env: ERROR_REPORT_TEST_ENV, clock: createTestClock(cst('2026-09-07T09:00')) });
  crew = await createCrew(t);
  citizen = await t.citizenToken('reporter');
});
afterAll(() => t.close());

const stored = (id: string) => t.models.ErrorReport.findById(id).lean();
const lastAudit = (action: string, targetId?: string) =>
  t.models.AuditEntry.findOne({ action, ...(targetId ? { targetId } : {}) }).sort({ at: -1, _id: -1 }).lean();
const list = (staff: TestStaff, query = '') => request(t.app).get(`/api/admin/error-reports${query}`).set(auth(staff.token));
const ids = (res: request.Response) => (res.body.items as { id: string }[]).map((i) => i.id);

describe('who may call the staff routes', () => {
  const routes: [method: 'get' | 'post', path: string, roles: string[], body?: object][] = [
    ['get', '/api/admin/error-reports', ['office', 'handler']],
    ['get', `/api/admin/error-reports/${SOME_ID}`, ['office', 'handler']],
    ['post', `/api/admin/error-reports/${SOME_ID}/forward`, ['office'], { departmentId: SOME_ID }],
    ['post', `/api/admin/error-reports/${SOME_ID}/reply`, ['office', 'handler'], { result: 'fixed', message: '已修复。' }],
    ['post', `/api/admin/error-reports/${SOME_ID}/close`, ['office']],
  ];

  it('documents exactly these staff routes with these roles', () => {
    const paths = t.built.openapi.paths as Record<string, Record<string, { 'x-staff-roles'?: string[] }>>;
    const documented = Object.entries(paths)
      .filter(([p]) => p.startsWith('/api/admin/error-reports'))
      .flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => `${m} ${p} ${[...(op['x-staff-roles'] ?? [])].sort().join(',')}`))
      .sort();
    expect(documented).toEqual(routes.map(([m, p, roles]) => `${m} ${p.replace(SOME_ID, '{id}')} ${[...roles].sort().join(',')}`).sort());
  });

  describe.each(routes)('%s %s', (method, path, roles, body) => {
    const call = (token?: string) => {
      const r = request(t.app)[method](path);
      if (token) r.set(auth(token));
      return body ? r.send(body) : r;
    };

    it('answers 401 without a token or with a bad one', async () => {
      expect((await call()).status).toBe(401);
      expect((await call('not.a.token')).status).toBe(401);
    });

    it('answers 403 to a citizen and to every other staff role', async () => {
      expect((await call(citizen)).status).toBe(403);
      for (const role of ['admin', 'office', 'handler', 'reviewer'] as const) {
        if (roles.includes(role)) continue;
        const res = await call(await t.staffToken(role));
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    });

    it('answers 404 (or 200 for the list) to the allowed roles for an unknown report', async () => {
      for (const role of roles) {
        const res = await call(role === 'office' ? crew.office.token : crew.handler.token);
        expect(res.status).toBe(path === '/api/admin/error-reports' ? 200 : 404);
      }
    });
  });
});

describe('GET /api/admin/error-reports', () => {
  let a: string; // typo on page A, forwarded to department
  let b: string; // broken link, submitted
  let c: string; // outdated, forwarded to other department, replied
  const marker = `special(chars)+[x]${nextSeq()}`;

  beforeAll(async () => {
    setClock(t, crew, '2026-09-08T09:00');
    a = await submitReport(t, citizen, { errorType: 'typo', url: siteUrl(`/list/${marker}.html`) });
    t.clock.advance(60_000);
    b = await submitReport(t, citizen, { errorType: 'broken_link', description: `附件链接失效，文件名 ${marker} 打不开` });
    t.clock.advance(60_000);
    c = await submitReport(t, citizen, { errorType: 'outdated', contact: 'me@example.com' });
    await forwardReport(t, crew.office, a, crew.department._id.toHexString());
    await forwardReport(t, crew.office, c, crew.otherDepartment._id.toHexString());
    await replyReport(t, crew.otherHandler, c, 'not_an_error');
  });

  it('lists every report for the office, newest first, without personal data', async () => {
    const res = await list(crew.office, '?limit=100');
    expect(res.status).toBe(200);
    expect(ids(res).slice(0, 3)).toEqual([c, b, a]);
    const item = res.body.items.find((i: { id: string }) => i.id === c);
    expect(item).toMatchObject({ status: 'replied', result: 'not_an_error', hasContact: true, departmentName: crew.otherDepartment.name, replyLate: false });
    expect(item).not.toHaveProperty('contact');
    expect(item).not.toHaveProperty('description');
  });

  it('filters by status, department and error type', async () => {
    expect(ids(await list(crew.office, '?status=submitted'))).toContain(b);
    expect(ids(await list(crew.office, '?status=submitted'))).not.toContain(a);
    expect(ids(await list(crew.office, `?departmentId=${crew.department._id.toHexString()}`))).toEqual([a]);
    const typos = await list(crew.office, '?errorType=typo');
    expect(typos.body.items.every((i: { errorType: string }) => i.errorType === 'typo')).toBe(true);
    expect(ids(typos)).toContain(a);
  });

  it('searches URL and description as plain text (regex characters escaped)', async () => {
    const res = await list(crew.office, `?q=${encodeURIComponent(marker)}`);
    expect(ids(res).sort()).toEqual([a, b].sort());
    expect(ids(await list(crew.office, `?q=${encodeURIComponent('.*')}`))).toEqual([]);
  });

  it('shows a handler only the reports forwarded to their department', async () => {
    expect(ids(await list(crew.handler, '?limit=100'))).toEqual([a]);
    expect(ids(await list(crew.otherHandler, '?limit=100'))).toEqual([c]);
    // Asking for another department does not widen the view.
    expect(ids(await list(crew.handler, `?departmentId=${crew.otherDepartment._id.toHexString()}`))).toEqual([]);
  });

  it('pages with a cursor and validates the query', async () => {
    const first = await list(crew.office, '?limit=1');
    const second = await list(crew.office, `?limit=1&cursor=${first.body.nextCursor}`);
    expect(ids(second)).toHaveLength(1);
    expect(ids(second)[0]).not.toBe(ids(first)[0]);
    const bad = await list(crew.office, '?status=open&errorType=x&overdue=maybe&departmentId=1&primaryOnly=yes');
    expect(bad.status).toBe(400);
    expect((bad.body.error.details as { path: string }[]).map((d) => d.path).sort()).toEqual(['departmentId', 'errorType', 'overdue', 'primaryOnly', 'status']);
  });
});

describe('overdue, derived from the calendar at read time', () => {
  let fresh: string;
  let notForwarded: string;
  let notReplied: string;

  beforeAll(async () => {
    // Wednesday 2026-09-30: forward due 10-08, reply due 10-10 (the 调休 Saturday).
    setClock(t, crew, '2026-09-30T10:00');
    notForwarded = await submitReport(t, citizen, { url: siteUrl() });
    notReplied = await submitReport(t, citizen, { url: siteUrl() });
    await forwardReport(t, crew.office, notReplied, crew.department._id.toHexString());
    setClock(t, crew, '2026-10-09T10:00');
    fresh = await submitReport(t, citizen, { url: siteUrl() });
  });

  const overdueIds = async (which: string) => ids(await list(crew.office, `?overdue=${which}&limit=100`));

  it('is not overdue during the 国庆 holiday nor on the due day itself', async () => {
    setClock(t, crew, '2026-10-05T12:00');
    expect(await overdueIds('true')).not.toContain(notForwarded);
    setClock(t, crew, '2026-10-08T23:59');
    expect(await overdueIds('forward')).not.toContain(notForwarded);
  });

  it('flags forward overdue from the day after the forward due date', async () => {
    setClock(t, crew, '2026-10-09T00:01');
    expect(await overdueIds('forward')).toContain(notForwarded);
    expect(await overdueIds('forward')).not.toContain(notReplied);
    expect(await overdueIds('reply')).not.toContain(notForwarded);
    const item = (await list(crew.office, '?overdue=true&limit=100')).body.items.find((i: { id: string }) => i.id === notForwarded);
    expect(item.overdue).toEqual({ forward: true, reply: false });
  });

  it('counts the 调休 Saturday: not reply-overdue on Saturday 10-10, overdue from Sunday 10-11', async () => {
    setClock(t, crew, '2026-10-10T20:00');
    expect(await overdueIds('reply')).not.toContain(notReplied);
    setClock(t, crew, '2026-10-11T08:00');
    const reply = await overdueIds('reply');
    expect(reply).toEqual(expect.arrayContaining([notReplied, notForwarded]));
    expect(reply).not.toContain(fresh);
    expect(await overdueIds('true')).toEqual(expect.arrayContaining([notReplied, notForwarded]));
    // Never stored.
    expect(Object.keys((await stored(notReplied)) ?? {})).not.toContain('overdue');
  });

  it('stops flagging a report once it is replied, but records the reply as late', async () => {
    setClock(t, crew, '2026-10-12T09:00');
    await replyReport(t, crew.handler, notReplied);
    expect(await overdueIds('true')).not.toContain(notReplied);
    expect(await stored(notReplied)).toMatchObject({ reply: { late: true } });
    expect(await lastAudit('error_report.reply', notReplied)).toMatchObject({ details: { late: true } });
  });
});

describe('GET /api/admin/error-reports/:id', () => {
  it('shows the office the contact and audits the personal-data read', async () => {
    setClock(t, crew, '2026-10-13T09:00');
    const id = await submitReport(t, citizen, { contact: '13712345678' });
    const res = await request(t.app).get(`/api/admin/error-reports/${id}`).set(auth(crew.office.token)).set('x-request-id', 'er-detail-1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, contact: '13712345678', contactKind: 'phone', duplicates: [], primaryReport: null });
    expect(res.body.timeline[0]).toMatchObject({ type: 'submitted', actorKind: 'citizen' });
    expect(await lastAudit('error_report.read_personal_data', id)).toMatchObject({
      actor: { id: crew.office.id, role: 'office' },
      targetType: 'error_report',
      details: { fields: ['contact'] },
      requestId: 'er-detail-1',
    });
  });

  it('does not audit a read when the report holds no personal data', async () => {
    const id = await submitReport(t, citizen);
    expect((await request(t.app).get(`/api/admin/error-reports/${id}`).set(auth(crew.office.token))).status).toBe(200);
    expect(await lastAudit('error_report.read_personal_data', id)).toBeNull();
  });

  it('answers 404 to a handler for a report not forwarded to their department', async () => {
    const id = await submitReport(t, citizen, { contact: '13712345678' });
    expect((await request(t.app).get(`/api/admin/error-reports/${id}`).set(auth(crew.handler.token))).status).toBe(404);
    await forwardReport(t, crew.office, id, crew.department._id.toHexString());
    expect((await request(t.app).get(`/api/admin/error-reports/${id}`).set(auth(crew.otherHandler.token))).status).toBe(404);
    expect((await request(t.app).get(`/api/admin/error-reports/${id}`).set(auth(crew.handler.token))).status).toBe(200);
    expect(await lastAudit('error_report.read_personal_data', id)).toMatchObject({ actor: { id: crew.handler.id } });
  });

  it('lists a primary’s duplicates and names a duplicate’s primary', async () => {
    const url = siteUrl();
    const primary = await submitReport(t, citizen, { url });
    const dup = await submitReport(t, await t.citizenToken(`other-${nextSeq()}`), { url: `${url}#x` });
    const p = await request(t.app).get(`/api/admin/error-reports/${primary}`).set(auth(crew.office.token));
    expect(p.body).toMatchObject({ primary: true, duplicateCount: 1, duplicates: [{ id: dup }] });
    const d = await request(t.app).get(`/api/admin/error-reports/${dup}`).set(auth(crew.office.token));
    expect(d.body).toMatchObject({ primary: false, duplicateOf: primary, primaryReport: { id: primary, status: 'submitted' } });
    expect(ids(await list(crew.office, `?primaryOnly=true&q=${encodeURIComponent(url)}`))).toEqual([primary]);
  });
});

describe('screenshots of a report', () => {
  it('may be downloaded by the office and the department’s handlers (audited), not by other staff', async () => {
    const shot = await upload(t, citizen, pngBytes(), 'shot.png');
    expect(shot.status).toBe(201);
    const id = await submitReport(t, citizen, { screenshotIds: [shot.body.id] });
    const download = (token: string) => request(t.app).get(`/api/uploads/${shot.body.id}`).set(auth(token));

    expect((await download(crew.handler.token)).status).toBe(404);
    await forwardReport(t, crew.office, id, crew.department._id.toHexString());
    expect((await download(crew.office.token)).status).toBe(200);
    expect((await download(crew.handler.token)).status).toBe(200);
    expect((await download(crew.otherHandler.token)).status).toBe(404);
    expect((await download(crew.reviewer.token)).status).toBe(404);
    expect(await t.models.AuditEntry.countDocuments({ 'actor.id': { $in: [crew.office.id, crew.handler.id] }, targetId: shot.body.id })).toBe(2);

    const detail = await request(t.app).get(`/api/admin/error-reports/${id}`).set(auth(crew.office.token));
    expect(detail.body.screenshots).toEqual([{ id: shot.body.id, contentType: 'image/png', size: shot.body.size, filename: 'shot.png', url: `/api/uploads/${shot.body.id}` }]);
  });
});

describe('POST /api/admin/error-reports/:id/forward', () => {
  it('forwards on time, records the step on the timeline and audits it', async () => {
    setClock(t, crew, '2026-11-02T09:00');
    const id = await submitReport(t, citizen);
    setClock(t, crew, '2026-11-03T17:00');
    const res = await request(t.app)
      .post(`/api/admin/error-reports/${id}/forward`)
      .set(auth(crew.office.token))
      .send({ departmentId: crew.department._id.toHexString() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'forwarded', departmentName: crew.department.name, forwardedLate: false, forwardedAt: new Date(cst('2026-11-03T17:00')).toISOString() });
    const doc = await stored(id);
    expect(doc?.timeline[1]).toMatchObject({ type: 'forwarded', actorKind: 'staff', actorId: crew.office.id, actorRole: 'office', late: false, departmentName: crew.department.name });
    expect(await lastAudit('error_report.forward', id)).toMatchObject({
      actor: { id: crew.office.id },
      details: { departmentId: crew.department._id.toHexString(), late: false },
    });
  });

  it('allows forwarding after the deadline and records it as late', async () => {
    setClock(t, crew, '2026-11-06T09:00'); // Friday: forward due Monday 11-09
    const id = await submitReport(t, citizen);
    setClock(t, crew, '2026-11-10T09:00');
    const res = await request(t.app).post(`/api/admin/error-reports/${id}/forward`).set(auth(crew.office.token)).send({ departmentId: crew.department._id.toHexString() });
    expect(res.status).toBe(200);
    expect(res.body.forwardedLate).toBe(true);
    expect((await stored(id))?.timeline[1]).toMatchObject({ late: true });
    expect(await lastAudit('error_report.forward', id)).toMatchObject({ details: { late: true } });
  });

  it('refuses an unknown department and a malformed one', async () => {
    const id = await submitReport(t, citizen);
    const unknown = await request(t.app).post(`/api/admin/error-reports/${id}/forward`).set(auth(crew.office.token)).send({ departmentId: SOME_ID });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([{ in: 'body', path: 'departmentId', message: '所选部门不存在' }]);
    const malformed = await request(t.app).post(`/api/admin/error-reports/${id}/forward`).set(auth(crew.office.token)).send({});
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details[0]).toMatchObject({ path: 'departmentId' });
    expect(await stored(id)).toMatchObject({ status: 'submitted' });
  });

  it('refuses to forward twice with 409 invalid_state', async () => {
    const id = await submitReport(t, citizen);
    await forwardReport(t, crew.office, id, crew.department._id.toHexString());
    const res = await request(t.app).post(`/api/admin/error-reports/${id}/forward`).set(auth(crew.office.token)).send({ departmentId: crew.otherDepartment._id.toHexString() });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'forwarded' } });
    expect((await stored(id))?.departmentId?.toHexString()).toBe(crew.department._id.toHexString());
  });
});

describe('POST /api/admin/error-reports/:id/reply', () => {
  it('lets a handler of the department reply; audits and notifies the reporter', async () => {
    setClock(t, crew, '2026-11-16T09:00');
    const id = await submitReport(t, citizen);
    await forwardReport(t, crew.office, id, crew.department._id.toHexString());
    const res = await request(t.app)
      .post(`/api/admin/error-reports/${id}/reply`)
      .set(auth(crew.handler.token))
      .send({ result: 'fixed', message: '  错别字已更正。 ' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'replied', result: 'fixed', replyLate: false, overdue: { forward: false, reply: false } });
    expect(await stored(id)).toMatchObject({ open: false, reply: { message: '错别字已更正。', repliedBy: crew.handler.id, repliedByRole: 'handler' } });
    expect(await lastAudit('error_report.reply', id)).toMatchObject({ actor: { id: crew.handler.id }, details: { result: 'fixed', late: false, notifiedReporters: 1 } });
    expect(await t.models.InboxEntry.countDocuments({ kind: 'error_report_replied', 'link.id': id })).toBe(1);
    const mine = await request(t.app).get(`/api/error-reports/${id}`).set(auth(citizen));
    expect(mine.body.reply).toMatchObject({ result: 'fixed', resultLabel: '已修复', message: '错别字已更正。', departmentName: crew.department.name });
  });

  it('lets the office reply too', async () => {
    const id = await submitReport(t, citizen);
    await forwardReport(t, crew.office, id, crew.department._id.toHexString());
    await replyReport(t, crew.office, id, 'not_our_site', '该网站不属于本县，已告知主管单位。');
    expect(await stored(id)).toMatchObject({ status: 'replied', reply: { result: 'not_our_site', repliedByRole: 'office' } });
  });

  it('answers 404 to a handler of another department and changes nothing', async () => {
    const id = await submitReport(t, citizen);
    await forwardReport(t, crew.office, id, crew.department._id.toHexString());
    const res = await request(t.app).post(`/api/admin/error-reports/${id}/reply`).set(auth(crew.otherHandler.token)).send({ result: 'fixed', message: '已修复。' });
    expect(res.status).toBe(404);
    const doc = await stored(id);
    expect(doc?.status).toBe('forwarded');
    expect(doc?.reply ?? null).toBeNull();
  });

  it('refuses a reply before forwarding (409 for the office, 404 for a handler) and a second reply', async () => {
    const id = await submitReport(t, citizen);
    const early = await request(t.app).post(`/api/admin/error-reports/${id}/reply`).set(auth(crew.office.token)).send({ result: 'fixed', message: '已修复。' });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'submitted' } });
    expect((await request(t.app).post(`/api/admin/error-reports/${id}/reply`).set(auth(crew.handler.token)).send({ result: 'fixed', message: '已修复。' })).status).toBe(404);

    await forwardReport(t, crew.office, id, crew.department._id.toHexString());
    await replyReport(t, crew.handler, id);
    const twice = await request(t.app).post(`/api/admin/error-reports/${id}/reply`).set(auth(crew.handler.token)).send({ result: 'fixed', message: '再次答复。' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.details).toEqual({ status: 'replied' });
  });

  it('validates the result and the message', async () => {
    const id = await submitReport(t, citizen);
    await forwardReport(t, crew.office, id, crew.department._id.toHexString());
    const res = await request(t.app).post(`/api/admin/error-reports/${id}/reply`).set(auth(crew.handler.token)).send({ result: 'done', message: ' ' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { in: 'body', path: 'result', message: '请选择处理结果' },
      { in: 'body', path: 'message', message: '答复内容至少2个字' },
    ]);
    const long = await request(t.app).post(`/api/admin/error-reports/${id}/reply`).set(auth(crew.handler.token)).send({ result: 'fixed', message: '字'.repeat(1001) });
    expect(long.body.error.details).toEqual([{ in: 'body', path: 'message', message: '答复内容最多1000个字' }]);
  });
});

describe('POST /api/admin/error-reports/:id/close', () => {
  it('closes a replied report, audits it, and refuses other states with 409', async () => {
    const id = await submitReport(t, citizen);
    const tooEarly = await request(t.app).post(`/api/admin/error-reports/${id}/close`).set(auth(crew.office.token));
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.error.details).toEqual({ status: 'submitted' });
    await forwardReport(t, crew.office, id, crew.department._id.toHexString());
    expect((await request(t.app).post(`/api/admin/error-reports/${id}/close`).set(auth(crew.office.token))).status).toBe(409);
    await replyReport(t, crew.handler, id);

    const res = await request(t.app).post(`/api/admin/error-reports/${id}/close`).set(auth(crew.office.token));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('closed');
    const doc = await stored(id);
    expect(doc?.closedAt).toBeInstanceOf(Date);
    expect(doc?.timeline.map((e) => e.type)).toEqual(['submitted', 'forwarded', 'replied', 'closed']);
    expect(await lastAudit('error_report.close', id)).toMatchObject({ actor: { id: crew.office.id }, targetType: 'error_report' });
    const mine = await request(t.app).get(`/api/error-reports/${id}`).set(auth(citizen));
    expect(mine.body).toMatchObject({ status: 'closed', statusLabel: '已办结', closedAt: expect.any(String) });

    const again = await request(t.app).post(`/api/admin/error-reports/${id}/close`).set(auth(crew.office.token));
    expect(again.status).toBe(409);
  });
});

describe('services.errorReports.countsForMonth', () => {
  it('counts received, forwarded and replied on time, overdue now and average working days, per department', async () => {
    const app = await createTestApp({ env: ERROR_REPORT_TEST_ENV, clock: createTestClock(cst('2026-12-01T09:00')) });
    try {
      const office = await app.createStaff({ role: 'office' });
      const dept = await app.createDepartment({ name: '县政务服务中心' });
      const handler = await app.createStaff({ role: 'handler', departmentId: dept._id });
      const reporter = await app.citizenToken('stats');
      const d = dept._id.toHexString();

      // Tue 12-01: forwarded same day, replied Thu 12-03 (2 working days, on time).
      const onTime = await submitReport(app, reporter);
      await forwardReport(app, office, onTime, d);
      app.clock.set(cst('2026-12-03T10:00'));
      await replyReport(app, handler, onTime);
      // A duplicate of a report submitted Thu 12-03: received, nothing more.
      const url = siteUrl();
      app.clock.set(cst('2026-12-03T11:00'));
      const late = await submitReport(app, reporter, { url });
      await submitReport(app, await app.citizenToken('stats-2'), { url });
      // Forwarded late (Mon 12-07, due Fri 12-04), replied late (Wed 12-09, due Tue 12-08): 4 working days.
      app.clock.set(cst('2026-12-07T10:00'));
      await forwardReport(app, office, late, d);
      app.clock.set(cst('2026-12-09T10:00'));
      await replyReport(app, handler, late);
      // Submitted Mon 12-14 and never forwarded: overdue from 12-16.
      app.clock.set(cst('2026-12-14T10:00'));
      await submitReport(app, reporter);

      app.clock.set(cst('2026-12-20T10:00'));
      const figures = await app.services.errorReports.countsForMonth('2026-12');
      expect(figures).toMatchObject({
        channel: 'error_reports',
        month: '2026-12',
        from: new Date('2026-11-30T16:00:00.000Z'),
        to: new Date('2026-12-31T16:00:00.000Z'),
        total: {
          received: 4,
          duplicates: 1,
          forwarded: 2,
          forwardedOnTime: 1,
          handled: 2,
          replied: 2,
          repliedOnTime: 1,
          averageReplyWorkingDays: 3,
          overdueNow: 1,
        },
      });
      const byDept = figures.byDepartment.find((x) => x.departmentId === d);
      expect(byDept).toMatchObject({ departmentName: '县政务服务中心', received: 3, forwarded: 2, repliedOnTime: 1, averageReplyWorkingDays: 3, overdueNow: 0 });
      expect(figures.byDepartment.find((x) => x.departmentId === null)).toMatchObject({ received: 1, overdueNow: 1 });

      const november = await app.services.errorReports.countsForMonth('2026-11');
      expect(november.total).toMatchObject({ received: 0, replied: 0, averageReplyWorkingDays: null, overdueNow: 1 });
      await expect(app.services.errorReports.countsForMonth('2026-13')).rejects.toThrow(RangeError);
    } finally {
      await app.close();
    }
  });
});
