import { foldForMatching, maskFreeText, namesIn, maskIdNumber, maskName, maskPhone } from '../../server/src/lib/masking';
import { CLEAN, PERSONAL } from '../fixtures/personal-data-corpus';

describe('personal data masking', () => {
  it('masks names keeping only the first character', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('')).toBe('');
  });

  it('masks mobile numbers in the middle and landlines leaving the area code', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('021-64881234')).toBe('0216****34');
  });

  it('masks resident ID numbers', () => {
    expect(maskIdNumber('31010419900307123X')).toBe('310*************3X');
  });

  it('masks phone, ID, e-mail, address detail and self-introduced names inside free text', () => {
    const text =
      '我叫王小明，住在幸福路123号4栋502室，电话13812345678，身份证号310104199003071234，邮箱wangxm@example.com，座机021-64881234。';
    const masked = maskFreeText(text);
    expect(masked).not.toContain('王小明');
    expect(masked).toContain('我叫王**');
    expect(masked).not.toContain('13812345678');
    expect(masked).toContain('138****5678');
    expect(masked).not.toContain('310104199003071234');
    expect(masked).not.toContain('123号');
    expect(masked).toContain('幸福路***');
    expect(masked).not.toContain('wangxm@');
    expect(masked).not.toContain('64881234');
  });

  it('masks every occurrence of a name the case already knows', () => {
    const masked = maskFreeText('李建国反映：李建国家门口路灯不亮。', ['李建国']);
    expect(masked).toBe('李**反映：李**家门口路灯不亮。');
  });

  it('finds the names a letter introduces, so a reply greeting the writer can be masked with them', () => {
    const letter = '本人姓名：王建华，反映小区路灯问题。感谢李红女士的帮助。';
    expect(namesIn(letter).sort()).toEqual(['李红', '王建华'].sort());
    expect(maskFreeText('王建华同志：您好，李红反映的情况已核实。', namesIn(letter))).toBe('王**同志：您好，李*反映的情况已核实。');
  });

  it('masks the spellings of one number alike, in the original text around them', () => {
    for (const spelling of ['13812345678', '138.1234.5678', '138 1234 5678', '１３８１２３４５６７８', '一三八一二三四五六七八', '+86 138-1234-5678']) {
      expect(maskFreeText(`电话：${spelling}。`)).toBe('电话：138****5678。');
    }
  });

  it('leaves text without personal data unchanged', () => {
    const text = '建议在2026年10月增加公交班次，第3路车间隔过长。';
    expect(maskFreeText(text)).toBe(text);
  });
});

describe('the personal-data corpus (test/fixtures/personal-data-corpus.ts)', () => {
  /** Folded and without separators, so a reformatted number still counts as shown. */
  const compact = (s: string) => foldForMatching(s).replace(/[\s.\-·()（）]/g, '').toLowerCase();

  it('has at least 200 sentences with personal data and 100 without', () => {
    expect(PERSONAL.length).toBeGreaterThanOrEqual(200);
    expect(CLEAN.length).toBeGreaterThanOrEqual(100);
  });

  it('masks at least 99 % of the personal items and alters at most 2 % of the clean sentences', () => {
    let items = 0;
    const missed: { text: string; secret: string; masked: string }[] = [];
    for (const [text, secrets, known = []] of PERSONAL) {
      const masked = maskFreeText(text, known);
      for (const secret of secrets) {
        items++;
        if (compact(masked).includes(compact(secret))) missed.push({ text, secret, masked });
      }
    }
    const altered = CLEAN.map((text) => ({ text, masked: maskFreeText(text) })).filter((r) => r.masked !== r.text);
    const recall = (items - missed.length) / items;
    const falsePositiveRate = altered.length / CLEAN.length;
    console.log(
      `masking corpus: recall ${(recall * 100).toFixed(2)} % (${items - missed.length}/${items} personal items in ${PERSONAL.length} sentences), ` +
        `false positives ${(falsePositiveRate * 100).toFixed(2)} % (${altered.length}/${CLEAN.length} clean sentences altered)` +
        (missed.length > 0 ? `\nmissed:\n${missed.map((m) => `  ${m.secret} in ${m.masked}`).join('\n')}` : '') +
        (altered.length > 0 ? `\naltered:\n${altered.map((a) => `  ${a.text} -> ${a.masked}`).join('\n')}` : ''),
    );
    expect(recall).toBeGreaterThanOrEqual(0.99);
    expect(falsePositiveRate).toBeLessThanOrEqual(0.02);
  });
});
