/**
 * Notifications: notify() writes the inbox entry and the outbox job; the outbox worker delivers
 * through the fake WeChat server with retries, final failures, leases and a token shared through
 * the database; the inbox and the staff outbox list over HTTP.
 */
import request from 'supertest';
import { Types } from 'mongoose';
import { devOpenid } from '../../server/src/modules/auth/auth.service';
import { retryDelayMs } from '../../server/src/modules/notification/notification.service';
import { notificationOutboxTask } from '../../server/src/modules/notification/notification.tasks';
import { runBackgroundTask } from '../../server/src/lib/background';
import { auth, captureLogger, createTestApp, TEST_WECHAT, type TestApp } from '../support/app';
import { startFakeWechat, type FakeWechat } from '../support/fake-wechat';
import { citizenOf, PLATFORM_TEST_ENV } from '../support/platform-factories';

const TEMPLATES = { letter_replied: 'TPL-LETTER-REPLIED', letter_accepted: 'TPL-LETTER-ACCEPTED' };
const NOTIFY_ENV = {
  ...PLATFORM_TEST_ENV,
  WECHAT_TEMPLATE_IDS: JSON.stringify(TEMPLATES),
  WECHAT_TIMEOUT_MS: '300',
  NOTIFY_MAX_ATTEMPTS: '3',
  NOTIFY_RETRY_BASE_SECONDS: '30',
  NOTIFY_RETRY_MAX_SECONDS: '600',
};

let fake: FakeWechat;
let t: TestApp;
beforeAll(async () => {
  fake = await startFakeWechat({
    appId: TEST_WECHAT.appId,
    secret: TEST_WECHAT.secret,
    templates: { [TEMPLATES.letter_replied]: ['character_string1', 'thing2', 'time3'], [TEMPLATES.letter_accepted]: ['thing1'] },
  });
  t = await createTestApp({ wechat: fake, env: NOTIFY_ENV });
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

let seq = 0;
/** A citizen with a token, user id and openid. */
async function citizen(app: TestApp = t) {
  seq += 1;
  const name = `notify-${seq}`;
  const token = await app.citizenToken(name);
  const { userId } = await citizenOf(app, token);
  return { name, token, userId, openid: devOpenid(name) };
}

/** A letter_replied notification for `userId`. */
function replied(userId: string, extra: { dedupeKey?: string; subject?: string } = {}) {
  return {
    userId,
    kind: 'letter_replied',
    title: '您的来信已答复',
    body: `关于“${extra.subject ?? '小区路灯维修'}”的来信已答复，请查看。`,
    link: { type: 'letter', id: 'L-1' },
    subscribe: {
      template: 'letter_replied',
      data: { character_string1: 'XX20261123-0007', thing2: extra.subject ?? '小区路灯维修', time3: '2026-11-23 10:00' },
      page: 'pages/letters/detail?id=L-1',
    },
    ...(extra.dedupeKey ? { dedupeKey: extra.dedupeKey } : {}),
  };
}

const jobOf = (userId: string) => t.models.NotificationJob.findOne({ userId: new Types.ObjectId(userId) }).lean();
const sentTo = (openid: string) => fake.sentMessages.filter((m) => m.touser === openid);
const deliver = (app: TestApp = t) => app.services.notifications.deliverDue({ limit: 100 });

describe('notify', () => {
  it('writes an unread inbox entry and a pending outbox job in one step', async () => {
    const c = await citizen();
    await t.services.notifications.notify(replied(c.userId));
    const entry = await t.models.InboxEntry.findOne({ userId: new Types.ObjectId(c.userId) }).lean();
    expect(entry).toMatchObject({ kind: 'letter_replied', title: '您的来信已答复', link: { type: 'letter', id: 'L-1' }, readAt: null, createdAt: new Date(t.clock.now()) });
    const job = await jobOf(c.userId);
    expect(job).toMatchObject({
      inboxEntryId: entry!._id,
      template: 'letter_replied',
      templateId: TEMPLATES.letter_replied,
      status: 'pending',
      attempts: 0,
      maxAttempts: 3,
      nextAttemptAt: new Date(t.clock.now()),
      page: 'pages/letters/detail?id=L-1',
      data: { character_string1: { value: 'XX20261123-0007' }, thing2: { value: '小区路灯维修' }, time3: { value: '2026-11-23 10:00' } },
    });
  });

  it('makes a repeated call with the same dedupeKey a no-op', async () => {
    const c = await citizen();
    const input = replied(c.userId, { dedupeKey: `letter:${c.userId}:replied` });
    await t.services.notifications.notify(input);
    await t.services.notifications.notify(input);
    await t.services.notifications.notify({ ...input, title: '另一个标题' });
    expect(await t.models.InboxEntry.countDocuments({ userId: new Types.ObjectId(c.userId) })).toBe(1);
    expect(await t.models.NotificationJob.countDocuments({ userId: new Types.ObjectId(c.userId) })).toBe(1);
  });

  it('writes nothing when the caller’s transaction aborts, and both when it commits', async () => {
    const c = await citizen();
    await expect(
      t.db.connection.transaction(async (session) => {
        await t.services.notifications.notify(replied(c.userId), { session });
        throw new Error('the letter update failed');
      }),
    ).rejects.toThrow('the letter update failed');
    expect(await t.models.InboxEntry.countDocuments({ userId: new Types.ObjectId(c.userId) })).toBe(0);
    expect(await t.models.NotificationJob.countDocuments({ userId: new Types.ObjectId(c.userId) })).toBe(0);
    await t.db.connection.transaction(async (session) => {
      await t.services.notifications.notify(replied(c.userId, { dedupeKey: `tx:${c.userId}` }), { session });
    });
    expect(await t.models.InboxEntry.countDocuments({ userId: new Types.ObjectId(c.userId) })).toBe(1);
    expect(await t.models.NotificationJob.countDocuments({ userId: new Types.ObjectId(c.userId) })).toBe(1);
  });

  it('sends to the inbox only, logging once, when the template key has no configured id', async () => {
    const c = await citizen();
    const input = { ...replied(c.userId), subscribe: { template: 'consultation_feedback', data: { thing1: '意见采纳情况' } } };
    await t.services.notifications.notify(input);
    await t.services.notifications.notify(input);
    expect(await t.models.InboxEntry.countDocuments({ userId: new Types.ObjectId(c.userId) })).toBe(2);
    expect(await t.models.NotificationJob.countDocuments({ userId: new Types.ObjectId(c.userId) })).toBe(0);
    expect(t.logs.filter((l) => l.template === 'consultation_feedback' && String(l.msg).includes('no WeChat template id'))).toHaveLength(1);
  });

  it('records a failed job without calling WeChat when the template data breaks WeChat’s rules', async () => {
    const c = await citizen();
    await t.services.notifications.notify({ ...replied(c.userId), subscribe: { template: 'letter_accepted', data: { thing1: '已受理', phrase2: 'accepted' } } });
    const job = await jobOf(c.userId);
    expect(job).toMatchObject({ status: 'failed', lastError: { errcode: 47003 }, attemptLog: [{ errcode: 47003 }] });
    expect(job!.lastError!.errmsg).toContain('data.phrase2');
    expect(await t.models.InboxEntry.countDocuments({ userId: new Types.ObjectId(c.userId) })).toBe(1);
  });

  it('marks jobs skipped (inbox only) when WeChat credentials are not configured', async () => {
    const dev = await createTestApp({ database: t.db, env: { ...NOTIFY_ENV } });
    try {
      const c = await citizen(dev);
      await dev.services.notifications.notify(replied(c.userId));
      expect(await dev.models.NotificationJob.findOne({ userId: new Types.ObjectId(c.userId) }).lean()).toMatchObject({
        status: 'skipped',
        lastError: { errcode: null, errmsg: expect.stringContaining('not configured') },
      });
      expect(await dev.models.InboxEntry.countDocuments({ userId: new Types.ObjectId(c.userId) })).toBe(1);
    } finally {
      await dev.close();
    }
  });
});

describe('the outbox worker', () => {
  it('delivers the subscribe message with the template id, the citizen’s openid and the data, cutting thing fields to 20 characters', async () => {
    const c = await citizen();
    const longSubject = '关于小区东门外道路长期积水影响居民出行的问题反映';
    await t.services.notifications.notify(replied(c.userId, { subject: longSubject }));
    const report = await deliver();
    expect(report.sent).toBeGreaterThanOrEqual(1);
    expect(sentTo(c.openid)).toEqual([
      {
        msgid: expect.any(Number),
        touser: c.openid,
        templateId: TEMPLATES.letter_replied,
        page: 'pages/letters/detail?id=L-1',
        data: {
          character_string1: { value: 'XX20261123-0007' },
          thing2: { value: [...longSubject].slice(0, 20).join('') },
          time3: { value: '2026-11-23 10:00' },
        },
        miniprogramState: 'formal',
        lang: 'zh_CN',
      },
    ]);
    const job = await jobOf(c.userId);
    expect(job).toMatchObject({
      status: 'sent',
      attempts: 1,
      msgid: sentTo(c.openid)[0].msgid,
      sentAt: new Date(t.clock.now()),
      claimedBy: t.built.instanceId,
      leaseUntil: null,
      attemptLog: [{ errcode: 0, errmsg: 'ok', instance: t.built.instanceId }],
    });
    // Delivered jobs are never sent again.
    await deliver();
    expect(sentTo(c.openid)).toHaveLength(1);
  });

  it('retries after a 5xx and after -1 system busy with exponential backoff and jitter, then delivers', async () => {
    const c = await citizen();
    await deliver();
    await t.services.notifications.notify(replied(c.userId));
    fake.script('subscribe_send', { httpStatus: 502, body: 'Bad Gateway' });
    await deliver();
    let job = await jobOf(c.userId);
    const firstAt = t.clock.now();
    expect(job).toMatchObject({ status: 'pending', attempts: 1, lastError: { errcode: -4, errmsg: 'HTTP 502' } });
    const firstDelay = job!.nextAttemptAt!.getTime() - firstAt;
    expect(firstDelay).toBeGreaterThanOrEqual(15_000);
    expect(firstDelay).toBeLessThanOrEqual(30_000);

    // Not due yet: nothing is sent.
    const before = fake.requestsTo('subscribe_send').length;
    await deliver();
    expect(fake.requestsTo('subscribe_send')).toHaveLength(before);

    t.clock.advance(firstDelay);
    fake.script('subscribe_send', { errcode: -1, errmsg: 'system error' });
    await deliver();
    job = await jobOf(c.userId);
    expect(job).toMatchObject({ status: 'pending', attempts: 2, lastError: { errcode: -1 } });
    const secondDelay = job!.nextAttemptAt!.getTime() - t.clock.now();
    expect(secondDelay).toBeGreaterThanOrEqual(30_000);
    expect(secondDelay).toBeLessThanOrEqual(60_000);

    t.clock.advance(secondDelay);
    await deliver();
    job = await jobOf(c.userId);
    expect(job).toMatchObject({ status: 'sent', attempts: 2 + 1 });
    expect(job!.attemptLog.map((a) => a.errcode)).toEqual([-4, -1, 0]);
    expect(sentTo(c.openid)).toHaveLength(1);
  });

  it('treats 43101 (refused / no subscription quota) as final: status refused and never retried', async () => {
    const c = await citizen();
    fake.setRecipient(c.openid, 'refuse');
    try {
      await t.services.notifications.notify(replied(c.userId));
      const report = await deliver();
      expect(report.refused).toBe(1);
      const calls = fake.requestsTo('subscribe_send').filter((r) => (r.body as { touser?: string }).touser === c.openid).length;
      expect(await jobOf(c.userId)).toMatchObject({ status: 'refused', attempts: 1, nextAttemptAt: null, lastError: { errcode: 43101 } });
      t.clock.advance(24 * 3600_000);
      await deliver();
      expect(fake.requestsTo('subscribe_send').filter((r) => (r.body as { touser?: string }).touser === c.openid)).toHaveLength(calls);
      // The citizen still has the inbox entry.
      expect(await t.models.InboxEntry.countDocuments({ userId: new Types.ObjectId(c.userId) })).toBe(1);
    } finally {
      fake.setRecipient(c.openid, null);
    }
  });

  it('fails for good on a non-retryable error, and after the last allowed attempt on retryable ones', async () => {
    const bad = await citizen();
    fake.setRecipient(bad.openid, 'param_error');
    const busy = await citizen();
    fake.setRecipient(busy.openid, 'busy');
    try {
      await t.services.notifications.notify(replied(bad.userId));
      await t.services.notifications.notify(replied(busy.userId));
      await deliver();
      expect(await jobOf(bad.userId)).toMatchObject({ status: 'failed', attempts: 1, lastError: { errcode: 47003 } });
      for (let i = 0; i < 5; i++) {
        t.clock.advance(600_000);
        await deliver();
      }
      const job = await jobOf(busy.userId);
      expect(job).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null, lastError: { errcode: -1 } });
      expect(job!.attemptLog).toHaveLength(3);
    } finally {
      fake.setRecipient(bad.openid, null);
      fake.setRecipient(busy.openid, null);
    }
  });

  it('gives up on a WeChat call that does not answer within the client timeout and delivers on a later run', async () => {
    const c = await citizen();
    await t.services.notifications.notify(replied(c.userId));
    fake.script('subscribe_send', { hang: true });
    await deliver();
    const job = await jobOf(c.userId);
    expect(job).toMatchObject({ status: 'pending', attempts: 1, lastError: { errcode: -3 } });
    t.clock.advance(job!.nextAttemptAt!.getTime() - t.clock.now());
    await deliver();
    expect(await jobOf(c.userId)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(sentTo(c.openid)).toHaveLength(1);
  });

  it('reclaims a job whose instance died mid-send once its lease has expired', async () => {
    const c = await citizen();
    await t.services.notifications.notify(replied(c.userId));
    const job = await jobOf(c.userId);
    await t.models.NotificationJob.updateOne(
      { _id: job!._id },
      { $set: { status: 'sending', attempts: 1, claimedBy: 'dead-instance', leaseUntil: new Date(t.clock.now() + 60_000) } },
    );
    await deliver();
    expect(sentTo(c.openid)).toHaveLength(0);
    t.clock.advance(60_000);
    await deliver();
    const after = await jobOf(c.userId);
    expect(after).toMatchObject({ status: 'sent', attempts: 2, claimedBy: t.built.instanceId });
    expect(after!.attemptLog.map((a) => a.errmsg)).toEqual(['lease of dead-instance expired; reclaimed', 'ok']);
  });

  it('runs as the notification-outbox background task', async () => {
    const c = await citizen();
    await t.services.notifications.notify(replied(c.userId));
    expect(await runBackgroundTask(t.built, notificationOutboxTask, captureLogger('silent').logger)).toBe(true);
    expect(await jobOf(c.userId)).toMatchObject({ status: 'sent' });
  });

  it('computes retry delays that double up to the cap, within the jittered half', () => {
    expect(retryDelayMs(1, 30_000, 600_000, () => 0)).toBe(15_000);
    expect(retryDelayMs(1, 30_000, 600_000, () => 1)).toBe(30_000);
    expect(retryDelayMs(3, 30_000, 600_000, () => 1)).toBe(120_000);
    expect(retryDelayMs(10, 30_000, 600_000, () => 0.5)).toBe(450_000);
  });
});

describe('several instances on one database', () => {
  let fleetFake: FakeWechat;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    fleetFake = await startFakeWechat({ appId: TEST_WECHAT.appId, secret: TEST_WECHAT.secret });
    a = await createTestApp({ wechat: fleetFake, env: NOTIFY_ENV });
    b = await createTestApp({ wechat: fleetFake, env: NOTIFY_ENV, database: a.db, clock: a.clock });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await fleetFake.close();
  });

  it('deliver each job exactly once when both run the worker at the same time', async () => {
    const people = [];
    for (let i = 0; i < 12; i++) people.push(await citizen(a));
    for (const p of people) await a.services.notifications.notify(replied(p.userId));
    // Slow answers keep both workers busy at once.
    fleetFake.script('subscribe_send', { delayMs: 15 }, 12);
    const [ra, rb] = await Promise.all([deliver(a), deliver(b)]);
    expect(ra.sent + rb.sent).toBe(12);
    expect(fleetFake.sentMessages).toHaveLength(12);
    expect(new Set(fleetFake.sentMessages.map((m) => m.touser))).toEqual(new Set(people.map((p) => p.openid)));
    const jobs = await a.models.NotificationJob.find({ userId: { $in: people.map((p) => new Types.ObjectId(p.userId)) } }).lean();
    expect(jobs.every((j) => j.status === 'sent' && j.attempts === 1)).toBe(true);
    expect(jobs.every((j) => j.claimedBy === a.built.instanceId || j.claimedBy === b.built.instanceId)).toBe(true);
  });

  it('share one access token through the database and refresh it once after 40001', async () => {
    const tokenRequests = () => fleetFake.requestsTo('stable_token').length;
    const stored = () => a.models.WechatToken.findById(`access_token:${TEST_WECHAT.appId}`).lean();
    const first = await stored();
    expect(first?.token).toEqual(expect.any(String));
    const before = tokenRequests();

    // A third instance starting now sends with the token in the database, without asking WeChat.
    const c = await createTestApp({ wechat: fleetFake, env: NOTIFY_ENV, database: a.db, clock: a.clock });
    try {
      const p0 = await citizen(a);
      await a.services.notifications.notify(replied(p0.userId));
      await deliver(c);
      expect(await a.models.NotificationJob.findOne({ userId: new Types.ObjectId(p0.userId) }).lean()).toMatchObject({ status: 'sent', claimedBy: c.built.instanceId });
      expect(tokenRequests()).toBe(before);

      // WeChat revokes the token: the first instance to hit 40001 fetches a new one and stores it.
      fleetFake.invalidateTokens();
      const p1 = await citizen(a);
      await a.services.notifications.notify(replied(p1.userId));
      await deliver(a);
      expect(await a.models.NotificationJob.findOne({ userId: new Types.ObjectId(p1.userId) }).lean()).toMatchObject({ status: 'sent', attempts: 1 });
      expect(tokenRequests()).toBe(before + 1);
      const second = await stored();
      expect(second?.token).not.toBe(first?.token);

      // The third instance still holds the revoked token in memory: WeChat refuses it, and the
      // replacement comes from the database, not from another token request.
      const p2 = await citizen(a);
      await a.services.notifications.notify(replied(p2.userId));
      const mark = fleetFake.requests.length;
      await deliver(c);
      expect(await a.models.NotificationJob.findOne({ userId: new Types.ObjectId(p2.userId) }).lean()).toMatchObject({ status: 'sent', claimedBy: c.built.instanceId });
      expect(tokenRequests()).toBe(before + 1);
      const sends = fleetFake.requests.slice(mark).filter((r) => r.api === 'subscribe_send');
      expect(sends.map((r) => r.query.access_token)).toEqual([first?.token, second?.token]);
    } finally {
      await c.close();
    }
  });
});

describe('GET /api/inbox', () => {
  it('answers 401 without a token and 403 for staff', async () => {
    expect((await request(t.app).get('/api/inbox')).status).toBe(401);
    expect((await request(t.app).get('/api/inbox').set(auth(await t.staffToken('office')))).status).toBe(403);
  });

  it('lists the citizen’s own entries newest first with cursor pages and the unread count', async () => {
    const c = await citizen();
    const other = await citizen();
    await t.services.notifications.notify({ userId: other.userId, kind: 'letter_accepted', title: '别人的消息', body: '' });
    for (let i = 1; i <= 3; i++) {
      await t.services.notifications.notify({ userId: c.userId, kind: 'letter_accepted', title: `消息${i}`, body: `第${i}条` });
      t.clock.advance(1000);
    }
    const page1 = await request(t.app).get('/api/inbox?limit=2').set(auth(c.token));
    expect(page1.status).toBe(200);
    expect(page1.body.unreadCount).toBe(3);
    expect(page1.body.items.map((i: { title: string }) => i.title)).toEqual(['消息3', '消息2']);
    expect(page1.body.items[0]).toEqual({
      id: expect.any(String),
      kind: 'letter_accepted',
      title: '消息3',
      body: '第3条',
      link: null,
      read: false,
      readAt: null,
      createdAt: expect.any(String),
    });
    const page2 = await request(t.app).get(`/api/inbox?limit=2&cursor=${page1.body.nextCursor}`).set(auth(c.token));
    expect(page2.body.items.map((i: { title: string }) => i.title)).toEqual(['消息1']);
    expect(page2.body.nextCursor).toBeNull();
    expect((await request(t.app).get('/api/inbox?limit=0').set(auth(c.token))).status).toBe(400);
    expect((await request(t.app).get('/api/inbox?cursor=bogus').set(auth(c.token))).status).toBe(400);
  });
});

describe('POST /api/inbox/:id/read and /api/inbox/read-all', () => {
  it('marks one entry read (idempotently) and refuses another citizen’s entry with 404', async () => {
    const c = await citizen();
    const other = await citizen();
    await t.services.notifications.notify({ userId: c.userId, kind: 'letter_accepted', title: '已受理', body: '' });
    const [entry] = (await request(t.app).get('/api/inbox').set(auth(c.token))).body.items;
    expect((await request(t.app).post(`/api/inbox/${entry.id}/read`)).status).toBe(401);
    expect((await request(t.app).post(`/api/inbox/${entry.id}/read`).set(auth(await t.staffToken('admin')))).status).toBe(403);
    expect((await request(t.app).post(`/api/inbox/${entry.id}/read`).set(auth(other.token))).status).toBe(404);
    expect((await request(t.app).post('/api/inbox/nope/read').set(auth(c.token))).status).toBe(400);
    expect((await request(t.app).post(`/api/inbox/${new Types.ObjectId().toHexString()}/read`).set(auth(c.token))).status).toBe(404);

    const res = await request(t.app).post(`/api/inbox/${entry.id}/read`).set(auth(c.token));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: entry.id, read: true, readAt: new Date(t.clock.now()).toISOString() });
    t.clock.advance(5000);
    const again = await request(t.app).post(`/api/inbox/${entry.id}/read`).set(auth(c.token));
    expect(again.body.readAt).toBe(res.body.readAt);
    expect((await t.models.InboxEntry.findById(entry.id).lean())?.readAt).toEqual(new Date(res.body.readAt));
  });

  it('marks every unread entry of the citizen read, and no one else’s', async () => {
    const c = await citizen();
    const other = await citizen();
    for (const userId of [c.userId, c.userId, other.userId]) await t.services.notifications.notify({ userId, kind: 'k', title: '消息', body: '' });
    expect((await request(t.app).post('/api/inbox/read-all')).status).toBe(401);
    const res = await request(t.app).post('/api/inbox/read-all').set(auth(c.token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ marked: 2, unreadCount: 0 });
    expect((await request(t.app).get('/api/inbox').set(auth(c.token))).body.unreadCount).toBe(0);
    expect((await request(t.app).get('/api/inbox').set(auth(other.token))).body.unreadCount).toBe(1);
    expect((await request(t.app).post('/api/inbox/read-all').set(auth(c.token))).body).toEqual({ marked: 0, unreadCount: 0 });
  });
});

describe('GET /api/admin/notifications', () => {
  it('answers 401 without a token and 403 for citizens, handlers and reviewers', async () => {
    expect((await request(t.app).get('/api/admin/notifications')).status).toBe(401);
    const c = await citizen();
    expect((await request(t.app).get('/api/admin/notifications').set(auth(c.token))).status).toBe(403);
    for (const role of ['handler', 'reviewer'] as const) {
      expect((await request(t.app).get('/api/admin/notifications').set(auth(await t.staffToken(role)))).status).toBe(403);
    }
  });

  it('lets office and admin list failed and refused sends with their attempts, never openids or message data', async () => {
    const c = await citizen();
    fake.setRecipient(c.openid, 'refuse');
    try {
      await t.services.notifications.notify(replied(c.userId));
      await deliver();
    } finally {
      fake.setRecipient(c.openid, null);
    }
    for (const role of ['office', 'admin'] as const) {
      const res = await request(t.app).get('/api/admin/notifications?status=refused').set(auth(await t.staffToken(role)));
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeGreaterThanOrEqual(1);
      expect(res.body.items.every((i: { status: string }) => i.status === 'refused')).toBe(true);
      const mine = res.body.items.find((i: { attemptLog: { errcode: number }[] }) => i.attemptLog.some((a) => a.errcode === 43101));
      expect(mine).toMatchObject({ kind: 'letter_replied', template: 'letter_replied', statusLabel: '用户未订阅', attempts: 1, lastError: { errcode: 43101 } });
      expect(JSON.stringify(res.body)).not.toContain(c.openid);
      expect(JSON.stringify(res.body)).not.toContain('XX20261123-0007');
    }
    const failed = await request(t.app).get('/api/admin/notifications?status=failed&limit=5').set(auth(await t.staffToken('office')));
    expect(failed.body.items.every((i: { status: string }) => i.status === 'failed')).toBe(true);
    expect((await request(t.app).get('/api/admin/notifications?status=lost').set(auth(await t.staffToken('office')))).status).toBe(400);
  });
});
