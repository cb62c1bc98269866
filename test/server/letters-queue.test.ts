/**
 * The staff queue by deadline (`sort=dueAt`) and the total count of the staff letter list
 * (issue 9: the console's 主任信箱 queue).
 */
import request from 'supertest';
import { auth, createTestApp, createTestClock, type TestApp, type TestClock } from '../support/app';
import { createCrew, cst, driveLetter, LETTER_TEST_ENV, submitLetter, useLetterSettings, type LetterCrew } from '../support/letter-factories';

let t: TestApp;
let clock: TestClock;
let crew: LetterCrew;
let citizen: string;
/** Letters by name: a/b submitted 10月12日, c 10月13日, accepted (reply deadline), rejected (closed). */
const letters: Record<string, string> = {};
beforeAll(async () => {
  clock = createTestClock(cst('2026-10-12T09:00'));
  t = await createTestApp({ env: LETTER_TEST_ENV, clock });
  await useLetterSettings(t, { submissionsPerDay: 100 });
  crew = await createCrew(t);
  citizen = await t.citizenToken('queue-writer');
  letters.accepted = (await submitLetter(t, citizen, { subject: '已受理的信件' })).id;
  await driveLetter(t, crew, letters.accepted, 'assigned');
  letters.rejected = (await submitLetter(t, citizen, { subject: '不予受理的信件' })).id;
  await driveLetter(t, crew, letters.rejected, 'rejected');
  clock.set(cst('2026-10-13T09:00'));
  letters.a = (await submitLetter(t, citizen, { subject: '同日来信甲' })).id;
  letters.b = (await submitLetter(t, citizen, { subject: '同日来信乙' })).id;
  clock.set(cst('2026-10-14T09:00'));
  letters.c = (await submitLetter(t, citizen, { subject: '次日来信丙' })).id;
  clock.set(cst('2026-10-14T15:00'));
});
afterAll(() => t.close());

const list = (query: string, token = crew.office.token) => request(t.app).get(`/api/admin/letters?${query}`).set(auth(token));
const ids = (res: request.Response): string[] => res.body.items.map((l: { id: string }) => l.id);

/** The expected queue from the stored letters: open by openDueAt then _id, then closed newest first. */
async function storedQueue(filter: Record<string, unknown> = {}): Promise<string[]> {
  const docs = await t.models.Letter.find(filter).lean();
  const open = docs.filter((d) => d.openDueAt).sort((x, y) => x.openDueAt!.getTime() - y.openDueAt!.getTime() || x._id.toHexString().localeCompare(y._id.toHexString()));
  const closed = docs.filter((d) => !d.openDueAt).sort((x, y) => y.submittedAt.getTime() - x.submittedAt.getTime() || y._id.toHexString().localeCompare(x._id.toHexString()));
  return [...open, ...closed].map((d) => d._id.toHexString());
}

describe('GET /api/admin/letters?sort=dueAt', () => {
  it('lists open letters earliest deadline first (ties by id), then closed letters newest first', async () => {
    const res = await list('sort=dueAt');
    expect(res.status).toBe(200);
    const [a, b] = [letters.a, letters.b].sort();
    expect(ids(res)).toEqual([a, b, letters.c, letters.accepted, letters.rejected]);
    expect(ids(res)).toEqual(await storedQueue());
    const due = res.body.items.map((l: { currentDeadline: { dueAt: string } | null }) => l.currentDeadline?.dueAt ?? null);
    expect(due.slice(0, 4)).toEqual([...due.slice(0, 4)].sort());
    expect(due[4]).toBeNull();
    // The default order is unchanged: newest first.
    expect(ids(await list(''))).toEqual([letters.c, letters.b, letters.a, letters.rejected, letters.accepted]);
  });

  it('pages through the queue with every page size, each letter once, across the closed letters', async () => {
    const expected = await storedQueue();
    for (const limit of [1, 2, 3, 4, 5]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const res = await list(`sort=dueAt&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.total).toBe(expected.length);
        seen.push(...ids(res));
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      expect({ limit, seen }).toEqual({ limit, seen: expected });
    }
  });

  it('keeps a page stable when letters arrive meanwhile', async () => {
    const first = await list('sort=dueAt&limit=2&status=submitted');
    const late = (await submitLetter(t, citizen, { subject: '翻页期间来信' })).id;
    const second = await list(`sort=dueAt&limit=10&status=submitted&cursor=${first.body.nextCursor}`);
    expect([...ids(first), ...ids(second)]).toEqual(await storedQueue({ status: 'submitted' }));
    expect(ids(second)).toContain(late);
    await driveLetter(t, crew, late, 'rejected');
  });

  it('applies the other filters and the handler’s scope to the queue and its total', async () => {
    const handler = await list('sort=dueAt', crew.handler.token);
    expect(ids(handler)).toEqual([letters.accepted]);
    expect(handler.body.total).toBe(1);
    const other = await list('sort=dueAt', crew.otherHandler.token);
    expect(other.body).toEqual({ items: [], nextCursor: null, total: 0 });
    const submitted = await list('sort=dueAt&status=submitted&limit=1');
    expect(ids(submitted)).toEqual([letters.a]);
    expect(submitted.body.total).toBe(await t.models.Letter.countDocuments({ status: 'submitted' }));
  });

  it('refuses an unknown order and a cursor of another order', async () => {
    const bad = await list('sort=deadline');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ in: 'query', path: 'sort', message: '只能是 submittedAt 或 dueAt' }]);
    const newest = await list('limit=1');
    const mixed = await list(`sort=dueAt&cursor=${newest.body.nextCursor}`);
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.details).toEqual([{ in: 'query', path: 'cursor', message: '无效的分页参数' }]);
    const queue = await list('sort=dueAt&limit=1');
    expect((await list(`cursor=${queue.body.nextCursor}`)).status).toBe(400);
  });

  it('is for staff only', async () => {
    expect((await request(t.app).get('/api/admin/letters?sort=dueAt')).status).toBe(401);
    expect((await list('sort=dueAt', citizen)).status).toBe(403);
  });
});

describe('GET /api/admin/letters total', () => {
  it('counts every letter matching the filters, whatever the page', async () => {
    const all = await list('limit=1');
    expect(all.body.total).toBe(await t.models.Letter.countDocuments({}));
    expect(all.body.items).toHaveLength(1);
    const page2 = await list(`limit=1&cursor=${all.body.nextCursor}`);
    expect(page2.body.total).toBe(all.body.total);
    expect((await list('status=rejected')).body.total).toBe(await t.models.Letter.countDocuments({ status: 'rejected' }));
    expect((await list('q=同日来信')).body.total).toBe(2);
    expect((await list('overdue=true')).body.total).toBe(0);
  });
});
