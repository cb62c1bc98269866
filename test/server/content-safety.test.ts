/**
 * Content safety: msgSecCheck through the fake WeChat server (pass / review / risky, unreachable,
 * long text split), as a feature route uses it, and the human review queue over HTTP.
 */
import request from 'supertest';
import { Types } from 'mongoose';
import { z } from 'zod';
import type { ContentDecision, ContentDecisionContext } from '../../server/src/modules/content-safety/content-safety.service';
import { devOpenid } from '../../server/src/modules/auth/auth.service';
import { defineRoute, defineRouteModule } from '../../server/src/lib/route';
import { auth, createTestApp, TEST_WECHAT, type TestApp } from '../support/app';
import { startFakeWechat, type FakeWechat } from '../support/fake-wechat';
import { citizenOf, PLATFORM_TEST_ENV } from '../support/platform-factories';

/** A feature route as a real one would use content safety: refuse risky, hold anything but pass. */
const probeRoutes = defineRouteModule({
  tag: 'probe',
  description: 'test probe',
  routes: [
    defineRoute({
      method: 'post',
      path: '/api/test-probe/comments',
      summary: 'Probe: publish a comment',
      auth: 'citizen',
      body: z.object({ text: z.string().min(1).max(20_000) }),
      response: z.object({ id: z.string(), suggest: z.string(), checkedBy: z.string(), label: z.number().optional(), held: z.boolean() }),
      status: 201,
      errors: ['content_risky'],
      handler: async ({ actor, input, services }) => {
        const result = await services.contentSafety.assertNotRisky(actor, input.body.text, 'comment');
        const id = new Types.ObjectId().toHexString();
        const held = result.suggest !== 'pass';
        if (held) await services.contentSafety.holdForReview({ subjectType: 'probe_comment', subjectId: id, excerpt: input.body.text, result });
        return { id, ...result, held };
      },
    }),
  ],
});

let fake: FakeWechat;
let t: TestApp;
const decisions: { subjectId: string; decision: ContentDecision; context: ContentDecisionContext }[] = [];
beforeAll(async () => {
  fake = await startFakeWechat({
    appId: TEST_WECHAT.appId,
    secret: TEST_WECHAT.secret,
    riskyWords: { 违禁词: 20001, 赌博: 20006 },
    reviewWords: ['待核实'],
  });
  t = await createTestApp({ wechat: fake, env: { ...PLATFORM_TEST_ENV, WECHAT_TIMEOUT_MS: '300' }, extraRoutes: [probeRoutes] });
  t.services.contentSafety.onDecision('probe_comment', async (subjectId, decision, context) => {
    decisions.push({ subjectId, decision, context });
  });
  t.services.contentSafety.onDecision('probe_broken', async () => {
    throw new Error('the feature could not apply the decision');
  });
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

let seq = 0;
async function citizen() {
  seq += 1;
  const name = `safety-${seq}`;
  return { name, token: await t.citizenToken(name), openid: devOpenid(name) };
}
const post = (token: string, text: string) => request(t.app).post('/api/test-probe/comments').set(auth(token)).send({ text });
const reviewOf = (subjectId: string) => t.models.ContentReview.findOne({ subjectId }).lean();

describe('checking text with msgSecCheck', () => {
  it('passes clean text, checked by WeChat with the author’s openid, the scene and version 2', async () => {
    const c = await citizen();
    const res = await post(c.token, '建议在小区门口增设路灯，方便居民夜间出行。');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ suggest: 'pass', checkedBy: 'wechat', label: 100, held: false });
    const call = fake.requestsTo('msg_sec_check').at(-1)!;
    expect(call.body).toEqual({ content: '建议在小区门口增设路灯，方便居民夜间出行。', version: 2, scene: 2, openid: c.openid });
    expect(await reviewOf(res.body.id)).toBeNull();
  });

  it('holds text WeChat answers review for for a human, and publishes nothing yet', async () => {
    const c = await citizen();
    const res = await post(c.token, '此事待核实，请相关部门调查。');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ suggest: 'review', checkedBy: 'wechat', label: 21000, held: true });
    expect(await reviewOf(res.body.id)).toMatchObject({
      subjectType: 'probe_comment',
      excerpt: '此事待核实，请相关部门调查。',
      status: 'pending',
      result: { suggest: 'review', label: 21000, labelName: 'other', checkedBy: 'wechat' },
    });
  });

  it('refuses risky text with 422 content_risky and the label, storing nothing', async () => {
    const c = await citizen();
    const before = await t.models.ContentReview.countDocuments();
    const res = await post(c.token, '这里有违禁词');
    expect(res.status).toBe(422);
    expect(res.body.error).toEqual({ code: 'content_risky', message: '内容含有违法违规信息，请修改后重新提交', details: { label: 20001, labelName: 'politics' } });
    expect(await t.models.ContentReview.countDocuments()).toBe(before);
  });

  it('answers review (checkedBy unavailable), never pass, when WeChat fails, resets or does not answer in time', async () => {
    const c = await citizen();
    for (const behaviour of [{ httpStatus: 503 }, { reset: true as const }, { hang: true as const }, { errcode: -1 }]) {
      fake.script('msg_sec_check', behaviour);
      const res = await post(c.token, '普通的留言内容');
      expect({ behaviour, status: res.status, body: res.body }).toMatchObject({
        behaviour,
        status: 201,
        body: { suggest: 'review', checkedBy: 'unavailable', held: true },
      });
      expect(await reviewOf(res.body.id)).toMatchObject({ status: 'pending', result: { suggest: 'review', checkedBy: 'unavailable', label: null } });
    }
  });

  it('checks text over 2,500 characters in parts and refuses it when a later part is risky', async () => {
    const c = await citizen();
    const calls = fake.requestsTo('msg_sec_check').length;
    const clean = '我们小区的环境需要改善。'.repeat(250);
    expect([...clean].length).toBe(3000);
    const pass = await post(c.token, clean);
    expect(pass.body).toMatchObject({ suggest: 'pass', checkedBy: 'wechat' });
    expect(fake.requestsTo('msg_sec_check').length - calls).toBe(2);

    const risky = `${clean.slice(0, 2800)}赌博${clean.slice(2800)}`;
    const refused = await post(c.token, risky);
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual({ label: 20006, labelName: 'illegal' });
    const parts = fake.requestsTo('msg_sec_check').slice(-2).map((r) => [...(r.body as { content: string }).content].length);
    // 3,002 characters: 2,500, then the rest from 2,400 on (parts overlap by 100).
    expect(parts).toEqual([2500, 602]);
  });

  it('maps every scene to WeChat’s scene number', async () => {
    const c = await citizen();
    const actor = await citizenOf(t, c.token);
    const scenes = { profile: 1, comment: 2, forum: 3, socialLog: 4 } as const;
    for (const [scene, number] of Object.entries(scenes)) {
      await t.services.contentSafety.checkText(actor, '你好', scene as keyof typeof scenes);
      expect((fake.requestsTo('msg_sec_check').at(-1)!.body as { scene: number }).scene).toBe(number);
    }
  });

  it('passes everything as checkedBy dev without WeChat credentials, calling nobody', async () => {
    const dev = await createTestApp({ database: t.db, env: PLATFORM_TEST_ENV });
    try {
      const token = await dev.citizenToken('dev-safety');
      const calls = fake.requests.length;
      expect(await dev.services.contentSafety.checkText(await citizenOf(dev, token), '这里有违禁词', 'forum')).toEqual({ suggest: 'pass', checkedBy: 'dev' });
      expect(fake.requests.length).toBe(calls);
    } finally {
      await dev.close();
    }
  });
});

describe('holdForReview', () => {
  it('keeps one pending item per subject, refreshing its excerpt, and reports the status', async () => {
    const subjectId = new Types.ObjectId().toHexString();
    const result = { suggest: 'review' as const, checkedBy: 'unavailable' as const };
    const first = await t.services.contentSafety.holdForReview({ subjectType: 'probe_comment', subjectId, excerpt: '第一版', result });
    const second = await t.services.contentSafety.holdForReview({ subjectType: 'probe_comment', subjectId, excerpt: '第二版'.repeat(300), result });
    expect(second.id).toBe(first.id);
    const doc = await reviewOf(subjectId);
    expect([...doc!.excerpt].length).toBe(500);
    expect(await t.services.contentSafety.reviewStatusOf('probe_comment', subjectId)).toBe('pending');
    expect(await t.services.contentSafety.reviewStatusOf('probe_comment', 'never-held')).toBeNull();
  });
});

describe('GET /api/admin/content-reviews', () => {
  it('answers 401 without a token and 403 for citizens and staff other than office', async () => {
    expect((await request(t.app).get('/api/admin/content-reviews')).status).toBe(401);
    expect((await request(t.app).get('/api/admin/content-reviews').set(auth((await citizen()).token))).status).toBe(403);
    for (const role of ['admin', 'handler', 'reviewer'] as const) {
      expect((await request(t.app).get('/api/admin/content-reviews').set(auth(await t.staffToken(role)))).status).toBe(403);
    }
  });

  it('lists pending items newest first with personal data in the excerpt masked, and filters', async () => {
    const office = await t.staffToken('office');
    const older = new Types.ObjectId().toHexString();
    const newer = new Types.ObjectId().toHexString();
    const result = { suggest: 'review' as const, label: 21000, labelName: 'other', checkedBy: 'wechat' as const };
    await t.services.contentSafety.holdForReview({ subjectType: 'masked_probe', subjectId: older, excerpt: '请联系我 13812345678', result });
    t.clock.advance(1000);
    await t.services.contentSafety.holdForReview({ subjectType: 'masked_probe', subjectId: newer, excerpt: '身份证号110101199003071234', result });
    const res = await request(t.app).get('/api/admin/content-reviews?subjectType=masked_probe').set(auth(office));
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { subjectId: string }) => i.subjectId)).toEqual([newer, older]);
    expect(res.body.items[1]).toEqual({
      id: expect.any(String),
      subjectType: 'masked_probe',
      subjectId: older,
      excerpt: '请联系我 138****5678',
      result,
      status: 'pending',
      statusLabel: '待审核',
      decidedBy: null,
      decidedAt: null,
      note: null,
      createdAt: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toContain('110101199003071234');
    const page = await request(t.app).get('/api/admin/content-reviews?subjectType=masked_probe&limit=1').set(auth(office));
    expect(page.body.items).toHaveLength(1);
    const rest = await request(t.app).get(`/api/admin/content-reviews?subjectType=masked_probe&limit=1&cursor=${page.body.nextCursor}`).set(auth(office));
    expect(rest.body.items.map((i: { subjectId: string }) => i.subjectId)).toEqual([older]);
    expect((await request(t.app).get('/api/admin/content-reviews?status=maybe').set(auth(office))).status).toBe(400);
  });
});

describe('POST /api/admin/content-reviews/:id/approve and /reject', () => {
  const hold = async (subjectType = 'probe_comment') => {
    const subjectId = new Types.ObjectId().toHexString();
    const { id } = await t.services.contentSafety.holdForReview({
      subjectType,
      subjectId,
      excerpt: '待核实的内容',
      result: { suggest: 'review', checkedBy: 'wechat', label: 21000, labelName: 'other' },
    });
    return { id, subjectId };
  };

  it('answers 401, 403 for other roles, 400 for a bad id or note, and 404 for an unknown item', async () => {
    const { id } = await hold();
    expect((await request(t.app).post(`/api/admin/content-reviews/${id}/approve`).send({})).status).toBe(401);
    for (const role of ['admin', 'handler', 'reviewer'] as const) {
      expect((await request(t.app).post(`/api/admin/content-reviews/${id}/approve`).set(auth(await t.staffToken(role))).send({})).status).toBe(403);
    }
    const office = await t.staffToken('office');
    expect((await request(t.app).post('/api/admin/content-reviews/xyz/approve').set(auth(office)).send({})).status).toBe(400);
    const longNote = await request(t.app).post(`/api/admin/content-reviews/${id}/reject`).set(auth(office)).send({ note: '长'.repeat(201) });
    expect(longNote.status).toBe(400);
    expect(longNote.body.error.details).toEqual([{ in: 'body', path: 'note', message: '备注最多200个字' }]);
    const unknown = await request(t.app).post(`/api/admin/content-reviews/${new Types.ObjectId().toHexString()}/approve`).set(auth(office)).send({});
    expect(unknown.status).toBe(404);
    expect((await t.models.ContentReview.findById(id).lean())?.status).toBe('pending');
  });

  it('approves a pending item, audits it, tells the feature in the same transaction, and refuses a second decision with 409', async () => {
    const office = await t.createStaff({ role: 'office' });
    const { id, subjectId } = await hold();
    const res = await request(t.app).post(`/api/admin/content-reviews/${id}/approve`).set(auth(office.token)).set('x-request-id', 'approve-review-1').send({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      status: 'approved',
      statusLabel: '已通过',
      decidedBy: { id: office.id, username: office.staff.username },
      decidedAt: new Date(t.clock.now()).toISOString(),
    });
    const call = decisions.find((d) => d.subjectId === subjectId);
    expect(call).toMatchObject({ decision: 'approved', context: { reviewId: id, note: null, actor: { staffId: office.id } } });
    expect(call!.context.session).toBeDefined();
    expect(await t.models.AuditEntry.findOne({ action: 'content_review.approve', targetId: id }).lean()).toMatchObject({
      actor: { kind: 'staff', id: office.id },
      targetType: 'content_review',
      details: { subjectType: 'probe_comment', subjectId },
      requestId: 'approve-review-1',
    });

    for (const action of ['approve', 'reject']) {
      const again = await request(t.app).post(`/api/admin/content-reviews/${id}/${action}`).set(auth(office.token)).send({});
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'approved' } });
    }
    expect(decisions.filter((d) => d.subjectId === subjectId)).toHaveLength(1);
  });

  it('rejects with a note, audited with the note', async () => {
    const office = await t.staffToken('office');
    const { id, subjectId } = await hold();
    const res = await request(t.app).post(`/api/admin/content-reviews/${id}/reject`).set(auth(office)).send({ note: '含有不实信息' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'rejected', statusLabel: '未通过', note: '含有不实信息' });
    expect(decisions.find((d) => d.subjectId === subjectId)).toMatchObject({ decision: 'rejected', context: { note: '含有不实信息' } });
    expect(await t.models.AuditEntry.findOne({ action: 'content_review.reject', targetId: id }).lean()).toMatchObject({
      details: { subjectType: 'probe_comment', subjectId, note: '含有不实信息' },
    });
    const approved = await request(t.app).get('/api/admin/content-reviews?status=rejected').set(auth(office));
    expect(approved.body.items.map((i: { id: string }) => i.id)).toContain(id);
  });

  it('records nothing when the feature’s handler fails: the item stays pending and unaudited', async () => {
    const office = await t.staffToken('office');
    const { id } = await hold('probe_broken');
    const res = await request(t.app).post(`/api/admin/content-reviews/${id}/approve`).set(auth(office)).send({});
    expect(res.status).toBe(500);
    expect((await t.models.ContentReview.findById(id).lean())?.status).toBe('pending');
    expect(await t.models.AuditEntry.countDocuments({ targetId: id })).toBe(0);
  });
});
