/**
 * The CSV export of the supervision statistics with department names a spreadsheet would
 * misread (quotes, commas, a line break, leading `= + - @`), and the shared CSV helper
 * (`server/src/lib/csv.ts`) that the consultation export uses too.
 */
import request from 'supertest';
import { attachmentDisposition, buildCsv, csvField } from '../../server/src/lib/csv';
import { ratio } from '../../server/src/modules/stats/stats-channels';
import { formatPercent } from '../../server/src/modules/stats/stats-csv';
import { auth, createTestApp, createTestClock, type TestApp } from '../support/app';
import { forwardReport, submitReport } from '../support/error-report-factories';
import { cst, STATS_TEST_ENV } from '../support/stats-factories';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: STATS_TEST_ENV, clock: createTestClock(cst('2026-10-08T10:00')) });
});
afterAll(() => t.close());

/** Reads a binary body as a Buffer. */
function binary(r: request.Test): request.Test {
  return r.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
}

describe('GET /api/admin/stats/monthly?format=csv with awkward department names', () => {
  it('quotes names with quotes, commas and line breaks, and guards cells a spreadsheet would run as formulas', async () => {
    const admin = await t.createStaff({ role: 'admin' });
    const office = await t.createStaff({ role: 'office' });
    const names = ['县"数据"局,信息中心\n二部', '=县应急管理局', '+县统计局', '-县审计局', '@县档案局,馆'];
    const citizen = await t.citizenToken('csv-reporter');
    for (const name of names) {
      const dept = await request(t.app).post('/api/admin/departments').set(auth(admin.token)).send({ name });
      expect(dept.status).toBe(201);
      expect(dept.body.name).toBe(name);
      await forwardReport(t, office, await submitReport(t, citizen), dept.body.id as string);
    }

    // JSON keeps the names as they are: the guard is the spreadsheet's concern only.
    const json = await request(t.app).get('/api/admin/stats/monthly?month=2026-10').set(auth(office.token));
    expect(json.body.rows.filter((r: { kind: string }) => r.kind === 'department').map((r: { departmentName: string }) => r.departmentName).sort()).toEqual([...names].sort());

    const res = await binary(request(t.app).get('/api/admin/stats/monthly?month=2026-10&format=csv').set(auth(office.token)));
    expect(res.status).toBe(200);
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8').slice(1);
    expect(text.endsWith('\r\n')).toBe(true);
    // The only bare LF is the one inside the quoted department name.
    expect(text.replace(/\r\n/g, '').match(/\n/g)).toHaveLength(1);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('渠道,部门,收件数,办结数,答复数,按时办结数,按时办结率,当前超期数,平均办理工作日,评价数,满意数,满意率');
    const departmentLines = [
      '我为政府网站找错,"县""数据""局,信息中心\n二部",1,0,0,0,,0,,,,',
      "我为政府网站找错,'=县应急管理局,1,0,0,0,,0,,,,",
      "我为政府网站找错,'+县统计局,1,0,0,0,,0,,,,",
      "我为政府网站找错,'-县审计局,1,0,0,0,,0,,,,",
      '我为政府网站找错,"\'@县档案局,馆",1,0,0,0,,0,,,,',
    ];
    expect(lines.slice(2, 7).sort()).toEqual([...departmentLines].sort());
    // Channels with nothing this month keep their total row; missing figures stay empty, never 0.
    expect(lines).toEqual([
      lines[0],
      '主任信箱,合计,0,0,0,0,,0,,0,0,',
      ...lines.slice(2, 7),
      '我为政府网站找错,合计,5,0,0,0,,0,,,,',
      '意见征集,合计,0,0,0,0,,0,,,,',
      '政策解读,合计,0,0,0,0,,0,,,,',
      '',
    ]);
  });
});

describe('lib/csv.ts', () => {
  it('writes numbers as they are, null as an empty cell, and guards text starting with = + - @ tab or CR', () => {
    expect([0, 2.33, null, undefined].map(csvField)).toEqual(['0', '2.33', '', '']);
    expect(['=1+1', '+86', '-5', '@me', '\tx', '\rx', 'a=b'].map(csvField)).toEqual(["'=1+1", "'+86", "'-5", "'@me", "'\tx", '"\'\rx"', 'a=b']);
    expect(csvField('说"明",\n')).toBe('"说""明"",\n"');
  });

  it('builds a file with BOM, header and CRLF after every line', () => {
    expect(buildCsv(['a', 'b'], [[1, 'x,y']]).toString('utf8')).toBe('\uFEFFa,b\r\n1,"x,y"\r\n');
  });

  it('names the download in UTF-8 with an ASCII fallback (RFC 6266 / 5987)', () => {
    expect(attachmentDisposition("月报(1)'s*.csv")).toBe(`attachment; filename="__(1)'s*.csv"; filename*=UTF-8''%E6%9C%88%E6%8A%A5%281%29%27s%2A.csv`);
  });

  it('formats rates as percentages with one decimal', () => {
    expect([ratio(14, 15), ratio(2, 3), ratio(1, 3), ratio(0, 4), ratio(3, 3), ratio(1, 0), null].map(formatPercent)).toEqual(['93.3%', '66.7%', '33.3%', '0.0%', '100.0%', '', '']);
  });
});
