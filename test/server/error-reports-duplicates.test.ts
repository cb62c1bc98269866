/**
 * 找错 duplicates: reports on the same normalized URL and error type as an open report are linked
 * to it, follow its state, and their reporters are told when it is replied; concurrent
 * submissions of one problem end with exactly one primary.
 */
import request from 'supertest';
import { auth, createTestApp, createTestClock, type TestApp } from '../support/app';
import {
  buildErrorReport,
  createCrew,
  cst,
  ERROR_REPORT_TEST_ENV,
  forwardReport,
  replyReport,
  submitReport,
  type ErrorReportCrew,
} from '../support/error-report-factories';
import { nextSeq } from '../support/factories';
import { citizenOf } from '../support/platform-factories';

let t: TestApp;
let crew: ErrorReportCrew;

beforeAll(async () => {
  t = await createTestApp({ env: ERROR_REPORT_TEST_ENV, clock: createTestClock(cst('2026-11-16T09:00')) });
  crew = await createCrew(t);
});
afterAll(() => t.close());

const stored = (id: string) => t.models.ErrorReport.findById(id).lean();

/** A fresh path on a host of our own, so tests never link to each other's reports. */
function freshSite(): string {
  return `www.county${nextSeq()}.gov.cn`;
}

describe('linking duplicates', () => {
  it('links reports whose URLs differ only in scheme/host case, default port, fragment, utm params, param order and trailing slash', async () => {
    const host = freshSite();
    const citizen = await t.citizenToken(`dup-a-${nextSeq()}`);
    const primaryId = await submitReport(t, citizen, { url: `https://${host}/xxgk/Notice/?b=2&a=1` });
    const variants = [
      `HTTPS://${host.toUpperCase()}/xxgk/Notice?a=1&b=2`,
      `https://${host}:443/xxgk/Notice/?a=1&b=2#section-3`,
      `https://${host}/xxgk/Notice?utm_source=wechat&a=1&utm_medium=share&b=2`,
      `https://${host}/xxgk/Notice///?b=2&a=1&from=singlemessage&isappinstalled=0`,
    ];
    for (const url of variants) {
      const res = await request(t.app).post('/api/error-reports').set(auth(await t.citizenToken(`dup-v-${nextSeq()}`))).send(buildErrorReport({ url }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ linked: true, status: 'submitted' });
      const doc = await stored(res.body.id);
      expect(doc).toMatchObject({ primary: false, open: true, normalizedUrl: `https://${host}/xxgk/Notice?a=1&b=2` });
      expect(doc?.duplicateOf?.toHexString()).toBe(primaryId);
      expect(doc?.timeline.map((e) => e.type)).toEqual(['submitted', 'linked']);
    }
    const primary = await stored(primaryId);
    expect(primary).toMatchObject({ primary: true, open: true, duplicateCount: variants.length });
  });

  it('keeps the path’s case and the scheme: /Notice and /notice, http and https are different pages', async () => {
    const host = freshSite();
    const citizen = await t.citizenToken(`case-${nextSeq()}`);
    await submitReport(t, citizen, { url: `https://${host}/Notice` });
    for (const url of [`https://${host}/notice`, `http://${host}/Notice`]) {
      const res = await request(t.app).post('/api/error-reports').set(auth(citizen)).send(buildErrorReport({ url }));
      expect(res.body.linked).toBe(false);
    }
  });

  it('does not link a report of another error type on the same page', async () => {
    const url = `https://${freshSite()}/page.html`;
    const citizen = await t.citizenToken(`type-${nextSeq()}`);
    await submitReport(t, citizen, { url, errorType: 'broken_link' });
    const res = await request(t.app).post('/api/error-reports').set(auth(citizen)).send(buildErrorReport({ url, errorType: 'typo' }));
    expect(res.body.linked).toBe(false);
    expect(await stored(res.body.id)).toMatchObject({ primary: true, duplicateOf: null });
  });

  it('links a late duplicate to a forwarded primary as forwarded to the same department', async () => {
    const url = `https://${freshSite()}/forwarded.html`;
    const primaryId = await submitReport(t, await t.citizenToken(`fw-${nextSeq()}`), { url });
    await forwardReport(t, crew.office, primaryId, crew.department._id.toHexString());

    const res = await request(t.app).post('/api/error-reports').set(auth(await t.citizenToken(`fw-late-${nextSeq()}`))).send(buildErrorReport({ url }));
    expect(res.body).toMatchObject({ linked: true, status: 'forwarded', statusLabel: '已转办' });
    const dup = await stored(res.body.id);
    expect(dup).toMatchObject({ status: 'forwarded', departmentName: crew.department.name, forwardedLate: false });
    expect(dup?.departmentId?.toHexString()).toBe(crew.department._id.toHexString());
    expect(dup?.timeline.map((e) => e.type)).toEqual(['submitted', 'linked', 'forwarded']);
  });

  it('starts a new primary once the primary is replied', async () => {
    const url = `https://${freshSite()}/again.html`;
    const citizen = await t.citizenToken(`again-${nextSeq()}`);
    const first = await submitReport(t, citizen, { url });
    await forwardReport(t, crew.office, first, crew.department._id.toHexString());
    await replyReport(t, crew.handler, first);

    const second = await request(t.app).post('/api/error-reports').set(auth(citizen)).send(buildErrorReport({ url }));
    expect(second.body).toMatchObject({ linked: false, status: 'submitted' });
    expect(await stored(second.body.id)).toMatchObject({ primary: true, open: true, duplicateOf: null });
    // The replied report stays as it was.
    expect(await stored(first)).toMatchObject({ status: 'replied', open: false, primary: true, duplicateCount: 0 });
    // Further reports of the problem now join the new primary.
    const third = await request(t.app).post('/api/error-reports').set(auth(citizen)).send(buildErrorReport({ url }));
    expect((await stored(third.body.id))?.duplicateOf?.toHexString()).toBe(second.body.id);
  });

  it('refuses staff actions on a duplicate with 409 invalid_state naming its primary', async () => {
    const url = `https://${freshSite()}/dup-action.html`;
    const primaryId = await submitReport(t, await t.citizenToken(`da-${nextSeq()}`), { url });
    const dupId = await submitReport(t, await t.citizenToken(`db-${nextSeq()}`), { url });
    const res = await request(t.app)
      .post(`/api/admin/error-reports/${dupId}/forward`)
      .set(auth(crew.office.token))
      .send({ departmentId: crew.department._id.toHexString() });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'submitted', duplicateOf: primaryId } });
    expect(await stored(dupId)).toMatchObject({ status: 'submitted', departmentId: null });
  });
});

describe('duplicates follow their primary', () => {
  it('forwards, replies and closes every linked report with the primary, and notifies each reporter once', async () => {
    const url = `https://${freshSite()}/follow.html`;
    const tokens = [];
    for (let i = 0; i < 3; i++) tokens.push(await t.citizenToken(`follow-${nextSeq()}`));
    const primaryId = await submitReport(t, tokens[0], { url });
    const dupA = await submitReport(t, tokens[1], { url });
    const dupB = await submitReport(t, tokens[2], { url: `${url}#top` });
    // The first reporter reporting again: still one notification for them.
    const again = await submitReport(t, tokens[0], { url: `${url}?utm_campaign=x` });

    await forwardReport(t, crew.office, primaryId, crew.department._id.toHexString());
    for (const id of [dupA, dupB, again]) {
      expect(await stored(id)).toMatchObject({ status: 'forwarded', departmentName: crew.department.name });
    }

    t.clock.advance(3600_000);
    await replyReport(t, crew.handler, primaryId, 'fixed', '该栏目链接已修复，感谢您的监督。');
    for (const id of [primaryId, dupA, dupB, again]) {
      const doc = await stored(id);
      expect(doc).toMatchObject({ status: 'replied', open: false, reply: { result: 'fixed', message: '该栏目链接已修复，感谢您的监督。', departmentName: crew.department.name } });
      expect(doc?.timeline[doc.timeline.length - 1]).toMatchObject({ type: 'replied', status: 'replied', note: '已修复' });
    }

    // Inbox entries, through the services: one per reporter, each linking to their own report.
    const expected: [string, string][] = [
      [tokens[0], primaryId],
      [tokens[1], dupA],
      [tokens[2], dupB],
    ];
    for (const [token, reportId] of expected) {
      const citizen = await citizenOf(t, token);
      const inbox = await t.services.notifications.listInbox(citizen, { limit: 20 });
      const entries = inbox.entries.filter((e) => e.kind === 'error_report_replied');
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ title: '您反映的网站问题已答复', link: { type: 'error_report', id: reportId } });
      expect(entries[0].body).toContain('处理结果：已修复');
      expect(entries[0].body).toContain(crew.department.name);
    }

    // The citizen sees the reply on their own (duplicate) report.
    const mine = await request(t.app).get(`/api/error-reports/${dupA}`).set(auth(tokens[1]));
    expect(mine.body).toMatchObject({ status: 'replied', linked: true, reply: { result: 'fixed', resultLabel: '已修复' } });
    expect(mine.body.timeline.map((e: { type: string }) => e.type)).toEqual(['submitted', 'linked', 'forwarded', 'replied']);

    const closed = await request(t.app).post(`/api/admin/error-reports/${primaryId}/close`).set(auth(crew.office.token));
    expect(closed.status).toBe(200);
    for (const id of [primaryId, dupA, dupB, again]) expect(await stored(id)).toMatchObject({ status: 'closed', open: false });
  });

  it('queues the subscribe message for each reporter when the template is configured', async () => {
    const configured = await createTestApp({
      env: { ...ERROR_REPORT_TEST_ENV, WECHAT_TEMPLATE_IDS: JSON.stringify({ error_report_replied: 'tmpl-error-report-replied' }) },
      database: t.db,
      clock: t.clock,
    });
    try {
      const url = `https://${freshSite()}/subscribe.html`;
      const a = await configured.citizenToken(`sub-a-${nextSeq()}`);
      const b = await configured.citizenToken(`sub-b-${nextSeq()}`);
      const primaryId = await submitReport(configured, a, { url });
      const dupId = await submitReport(configured, b, { url, errorType: 'broken_link' });
      const office = await configured.createStaff({ role: 'office' });
      await forwardReport(configured, office, primaryId, crew.department._id.toHexString());
      await replyReport(configured, office, primaryId, 'not_our_site', '该网页不属于本县政府网站，请向对应网站反映。');

      const jobs = await configured.models.NotificationJob.find({ kind: 'error_report_replied', 'link.id': { $in: [primaryId, dupId] } }).lean();
      expect(jobs).toHaveLength(2);
      for (const job of jobs) {
        expect(job).toMatchObject({ template: 'error_report_replied', templateId: 'tmpl-error-report-replied' });
        expect(job.data).toMatchObject({ phrase3: { value: '非本站问题' }, thing2: { value: '链接不可用' } });
      }
    } finally {
      await configured.close();
    }
  });
});

describe('concurrent submissions', () => {
  it('ends with exactly one primary and the others linked to it', async () => {
    const url = `https://${freshSite()}/race.html`;
    const tokens = await Promise.all(Array.from({ length: 6 }, (_, i) => t.citizenToken(`race-${i}-${nextSeq()}`)));
    const answers = await Promise.all(tokens.map((token) => request(t.app).post('/api/error-reports').set(auth(token)).send(buildErrorReport({ url }))));
    expect(answers.map((r) => r.status)).toEqual(tokens.map(() => 201));

    const docs = await t.models.ErrorReport.find({ normalizedUrl: url }).lean();
    expect(docs).toHaveLength(6);
    const primaries = docs.filter((d) => d.primary);
    expect(primaries).toHaveLength(1);
    const primaryId = primaries[0]._id.toHexString();
    for (const d of docs.filter((x) => !x.primary)) expect(d.duplicateOf?.toHexString()).toBe(primaryId);
    expect(primaries[0].duplicateCount).toBe(5);
    expect(answers.filter((r) => r.body.linked === false)).toHaveLength(1);
  });

  it('ends with one primary for two simultaneous submissions, repeatedly', async () => {
    for (let round = 0; round < 5; round++) {
      const url = `https://${freshSite()}/pair.html`;
      const [a, b] = await Promise.all([t.citizenToken(`pa-${nextSeq()}`), t.citizenToken(`pb-${nextSeq()}`)]);
      const answers = await Promise.all([a, b].map((token) => request(t.app).post('/api/error-reports').set(auth(token)).send(buildErrorReport({ url }))));
      expect(answers.map((r) => r.status)).toEqual([201, 201]);
      expect(answers.map((r) => r.body.linked).sort()).toEqual([false, true]);
      expect(await t.models.ErrorReport.countDocuments({ normalizedUrl: url, primary: true })).toBe(1);
    }
  });

  it('never leaves a duplicate behind when a submission races the reply of its primary', async () => {
    for (let round = 0; round < 4; round++) {
      const url = `https://${freshSite()}/reply-race.html`;
      const primaryId = await submitReport(t, await t.citizenToken(`rr-${nextSeq()}`), { url });
      await forwardReport(t, crew.office, primaryId, crew.department._id.toHexString());
      const late = await t.citizenToken(`rr-late-${nextSeq()}`);
      const [reply, submission] = await Promise.all([
        request(t.app).post(`/api/admin/error-reports/${primaryId}/reply`).set(auth(crew.handler.token)).send({ result: 'fixed', message: '已修复该链接。' }),
        request(t.app).post('/api/error-reports').set(auth(late)).send(buildErrorReport({ url })),
      ]);
      expect(reply.status).toBe(200);
      expect(submission.status).toBe(201);
      const doc = await stored(submission.body.id);
      // Either it was linked in time and replied with the primary, or it started a new primary.
      if (doc?.primary) {
        expect(doc).toMatchObject({ status: 'submitted', open: true, duplicateOf: null });
      } else {
        expect(doc).toMatchObject({ status: 'replied', open: false, reply: { result: 'fixed' } });
        const inbox = await t.services.notifications.listInbox(await citizenOf(t, late), { limit: 5 });
        expect(inbox.entries.filter((e) => e.kind === 'error_report_replied')).toHaveLength(1);
      }
      // No open duplicate hangs on a replied primary.
      expect(await t.models.ErrorReport.countDocuments({ duplicateOf: primaryId, open: true })).toBe(0);
    }
  });
});
