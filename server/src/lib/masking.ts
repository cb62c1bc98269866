/**
 * Masks personal data (names, phone numbers, ID numbers, bank cards, e-mail, QQ and WeChat ids,
 * licence plates and detailed addresses) for public views. Free text is scanned for the patterns
 * and for the names the case already knows (the writer's contact name, names the letter
 * introduces), because citizens repeat their own data inside the letter and replies repeat it back.
 *
 * Citizens spell numbers in many ways (`138.1234.5678`, `138 1234 5678`, `１３８…`,
 * `一三八…`, `(0871)65123456`, `５３０１０２ 1985…`, `wang＠163.com`). Rather than one pattern per
 * spelling, the text is first folded into one spelling of the same length — full-width characters
 * to ASCII, runs of Chinese-numeral digits to digits — the patterns run on the folded text, and the
 * spans they find are masked in the original. Separators (space, dot, dash) between digits are
 * allowed by the number patterns, and the kind of a number is decided on its digits.
 *
 * No pattern list is perfect: the office confirms every public letter's text before it is listed
 * (公开前审核, ADR 090). test/server/masking.test.ts measures recall and false positives on a
 * corpus of realistic sentences (test/fixtures/personal-data-corpus.ts).
 */
import { escapeRegExp } from './regex';

const MASK = '*';

/** 张三 -> 张*, 欧阳娜娜 -> 欧***, keeping only the first character. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  return chars[0] + MASK.repeat(Math.max(1, chars.length - 1));
}

/** 13812345678 -> 138****5678; landlines keep the area code and the last two digits. */
export function maskPhone(phone: string): string {
  let digits = phone.replace(/\D/g, '');
  if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  if (/^1[3-9]\d{9}$/.test(digits)) return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  if (digits.length >= 7) return `${digits.slice(0, Math.min(4, digits.length - 4))}${MASK.repeat(4)}${digits.slice(-2)}`;
  return MASK.repeat(digits.length || 4);
}

/** Resident ID (18 or 15 characters): keep the first 3 and the last 2 characters. */
export function maskIdNumber(id: string): string {
  const compact = id.replace(/[^\dXx]/g, '');
  return `${compact.slice(0, 3)}${MASK.repeat(Math.max(4, compact.length - 5))}${compact.slice(-2)}`;
}

// ------------------------------------------------------------------------------------- folding

const CN_DIGITS: Record<string, string> = { 〇: '0', 零: '0', 一: '1', 幺: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };
// Only runs of at least 7 numeral digits (a phone or ID read out digit by digit) are folded:
// 一二 in ordinary prose, or the 三 of a name like 张三, stays a character.
const CN_DIGIT_RUN = /[〇零一幺二三四五六七八九](?:[\s-]?[〇零一幺二三四五六七八九]){6,}/g;

/**
 * The text in one spelling, character for character (same length, same positions): full-width
 * ASCII (U+FF01–FF5E) and the ideographic space folded to ASCII, and runs of Chinese-numeral
 * digits to digits. Exported for the corpus test, which compares with the same folding.
 */
export function foldForMatching(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCharCode(code - 0xfee0);
    else if (code === 0x3000) out += ' ';
    else out += ch;
  }
  return out.replace(CN_DIGIT_RUN, (run) => [...run].map((c) => CN_DIGITS[c] ?? c).join(''));
}

// ------------------------------------------------------------------------------------- patterns
// All run on folded text: ASCII digits, letters, `@ . - ( ) : ,`.

/** Between two digits of one number: nothing, or one or two of space, dot, dash, middle dot. */
const SEP = '[\\s.\\-·]{0,2}';
const digits = (n: number | string) => `\\d(?:${SEP}\\d){${typeof n === 'number' ? n - 1 : n}}`;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// An 18-character ID: 6-digit region, birth date 18xx–20xx, sequence, check digit (or X).
const ID_18 = new RegExp(`(?<![\\dA-Za-z])${digits(6)}${SEP}(?:1${SEP}8|1${SEP}9|2${SEP}0)${SEP}${digits(2)}${SEP}(?:0${SEP}[1-9]|1${SEP}[0-2])${SEP}(?:0${SEP}[1-9]|[12]${SEP}\\d|3${SEP}[01])${SEP}${digits(3)}${SEP}[\\dXx](?![\\dA-Za-z])`, 'g');
// A 15-digit ID (issued before 1999): 6-digit region, yymmdd, 3-digit sequence.
// Not followed by more digits after a separator: 15 digits are also the start of many longer numbers.
const ID_15 = new RegExp(`(?<![\\dA-Za-z])${digits(6)}${SEP}${digits(2)}${SEP}(?:0${SEP}[1-9]|1${SEP}[0-2])${SEP}(?:0${SEP}[1-9]|[12]${SEP}\\d|3${SEP}[01])${SEP}${digits(3)}(?![\\dA-Za-z])(?!${SEP}\\d)`, 'g');
// Bank cards: 16–19 digits, grouped or not.
const BANK_CARD = new RegExp(`(?<![\\dA-Za-z])${digits('15,18')}(?![\\dA-Za-z])`, 'g');
const MOBILE = new RegExp(`(?<![\\dA-Za-z])(?:\\(?\\+?86\\)?${SEP})?1${SEP}[3-9]${SEP}${digits(9)}(?![\\dA-Za-z])`, 'g');
// Landlines with area code: 0xx(x) with or without dash, space or parentheses, 7–8 digits.
const LANDLINE = new RegExp(`(?<![\\dA-Za-z])(?:\\(\\s?0\\d{2,3}\\s?\\)|0\\d{2,3})${SEP}${digits('6,7')}(?![\\dA-Za-z])`, 'g');
// A local number without area code, only where it is labelled as a phone.
const LABELLED_LOCAL_PHONE = new RegExp(`((?:电话|座机|手机|联系方式|号码)[^\\d\\n]{0,4})(${digits('6,7')})(?![\\dA-Za-z])`, 'g');
const QQ = /((?:QQ|qq|Qq|扣扣)\s?(?:号码|号)?\s?(?:是|为|:)?\s?)([1-9]\d{4,11})(?!\d)/g;
const WECHAT = /((?:微信|WeChat|wechat|vx|VX|Vx|wx|WX|V信|v信)\s?(?:号码|号|id|ID)?\s?(?:是|为|:)?\s?)([A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])/g;
// Licence plates: province, issuing letter, 5 (6 for new-energy cars) letters/digits.
const PLATE = /[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][\s·.]?(?:[A-HJ-NP-Z0-9]{5,6})(?![A-Za-z0-9])/g;

// Addresses: a place (…路, …小区, …村 …) followed by house-number units, or two units in a row
// (…号楼…门…室), or a room number (…室). The place is kept, the units are masked.
const NUM = '(?:\\d+|[A-Za-z]\\d*|[一二三四五六七八九十百零〇两]+)';
const UNIT = `(?:${NUM}(?:号楼|号院|号|栋|幢|座|单元|门|楼|层|室|户|组|区|期)|附${NUM}号|[东西南北中]户|\\d{1,3}-\\d{1,3}-\\d{1,4})`;
const PLACE = '[\\u4e00-\\u9fa5]{0,12}?(?:路|街|道|巷|弄|村|小区|大道|胡同|苑|园|院|里|社区|花园|家园|公寓|大厦|新村|小组|城|广场)';
const ADDRESS_AFTER_PLACE = new RegExp(`(${PLACE})((?:${UNIT}){1,8}\\d*)`, 'g');
const ADDRESS_UNITS = new RegExp(`(?<![\\dA-Za-z])((?:${UNIT}){2,8}\\d*)`, 'g');
const ROOM = new RegExp(`(?<![\\dA-Za-z])([A-Za-z]?\\d+室)`, 'g');
// A building followed by a room number: 7栋1201, 3号楼502.
const BUILDING_ROOM = new RegExp(`(?<![\\dA-Za-z])(${NUM}(?:号楼|栋|幢|座|单元)\\d{3,4})(?!\\d)`, 'g');

// Names: common surnames (compound ones first) and one or two given characters.
const COMPOUND_SURNAMES = '欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|夏侯|令狐|端木|独孤|南宫|西门|百里|呼延';
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由';
const NAME = `(?:(?:${COMPOUND_SURNAMES})[\\u4e00-\\u9fa5]{1,2}|[${SURNAMES}][\\u4e00-\\u9fa5]{1,2})`;
/** What may follow a name in a self-introduction (punctuation, or the next item of the letter). */
const AFTER_NAME =
  '(?=[\\s,.;:!?，。；：！？、()（）\\d“”"]|$|电话|手机|联系|身份证|住|家住|现住|居住|今年|男|女|性别|年龄|是|的|在|于|系|称|说|表示|提出|反映|来信|因|想|希望|请|户籍|先生|女士|同志)';
const INTRO = `(?:我的名字(?:是|叫)|名字(?:是|叫)|名叫|我叫|我是|本人(?:叫|是)?|姓名(?:是|为)?|联系人(?:是|为)?|申请人(?:是|为)?|来信人(?:是|为)?|反映人(?:是|为)?|投诉人(?:是|为)?|举报人(?:是|为)?|户主(?:是|为)?|收件人(?:是|为)?)`;
const SELF_INTRO = new RegExp(`(${INTRO}\\s?:?\\s?)(${NAME})${AFTER_NAME}`, 'g');
// A name followed by a form of address: 王建国先生, 吴秀兰女士, 张建国同志.
// (老师, 老人, 阿姨 … also follow ordinary words: 任课老师, 高龄老人.)
const TITLED_NAME = new RegExp(`(${NAME})(?=先生|女士|同志)`, 'g');
/** Words shaped like a name after 我是 or before 同志 that are not names. */
const NOT_NAMES = new Set(['党员', '居民', '司机', '农民', '师傅', '房东', '车主', '商户', '管理员', '单位', '员工', '老党员', '向导']);
const NOT_NAME_PART = /各位|全体|广大|所有|们/;
/** Characters that are surnames but more often a verb or preposition just before a name (感谢张三先生). */
const AMBIGUOUS_LEAD = new Set([...'谢向于和与对给经由叫请让致将把被为从']);
const SURNAME_CHARS = new Set([...SURNAMES]);

// ------------------------------------------------------------------------------------- spans

interface Span {
  start: number;
  end: number;
  replacement: string;
}

/** Collects non-overlapping spans: earlier kinds win over later ones. */
class Spans {
  readonly list: Span[] = [];

  add(start: number, end: number, replacement: string): void {
    if (end <= start || this.list.some((s) => start < s.end && s.start < end)) return;
    this.list.push({ start, end, replacement });
  }

  /** Every match of `pattern` in `folded`; `group` selects the masked part (0: all; 1: a group at the start; 2: after group 1). */
  scan(folded: string, pattern: RegExp, mask: (part: string) => string, group = 0): void {
    for (const m of folded.matchAll(pattern)) {
      const part = m[group];
      if (part === undefined || part === '') continue;
      // Patterns with two groups put the kept lead in group 1 and the masked part right after it.
      const offset = group === 2 ? m[1].length : 0;
      const start = (m.index ?? 0) + offset;
      this.add(start, start + part.length, mask(part));
    }
  }

  apply(text: string): string {
    let out = '';
    let at = 0;
    for (const s of [...this.list].sort((a, b) => a.start - b.start)) {
      out += text.slice(at, s.start) + s.replacement;
      at = s.end;
    }
    return out + text.slice(at);
  }
}

const maskDigitsKeeping = (part: string, head: number, tail: number) => {
  const d = part.replace(/[^\dA-Za-z]/g, '');
  return `${d.slice(0, head)}${MASK.repeat(Math.max(4, d.length - head - tail))}${tail > 0 ? d.slice(-tail) : ''}`;
};

/** A name found by a pattern, without a leading verb that happens to be a surname (感谢张三 → 张三). */
function trimLead(name: string): { skip: number; name: string } {
  const chars = [...name];
  if (chars.length === 3 && AMBIGUOUS_LEAD.has(chars[0]) && SURNAME_CHARS.has(chars[1])) return { skip: 1, name: chars.slice(1).join('') };
  return { skip: 0, name };
}

function nameSpans(folded: string, spans: Spans, names: string[]): void {
  for (const pattern of [SELF_INTRO, TITLED_NAME]) {
    const group = pattern === SELF_INTRO ? 2 : 1;
    for (const m of folded.matchAll(pattern)) {
      const raw = m[group];
      const lead = pattern === SELF_INTRO ? m[1].length : 0;
      const { skip, name } = pattern === TITLED_NAME ? trimLead(raw) : { skip: 0, name: raw };
      if (NOT_NAMES.has(name) || NOT_NAME_PART.test(name)) continue;
      const start = (m.index ?? 0) + lead + skip;
      spans.add(start, start + name.length, maskName(name));
      names.push(name);
    }
  }
}

/**
 * Masks personal data inside free text. `knownNames` are names known to belong to the case
 * (the letter's contact name, names the letter introduced); every occurrence is masked, and the
 * names the text itself introduces are masked wherever else they appear in it.
 */
export function maskFreeText(text: string, knownNames: readonly string[] = []): string {
  const folded = foldForMatching(text);
  const spans = new Spans();
  const known = [...new Set(knownNames.map((n) => n.trim()).filter((n) => [...n].length >= 2))].sort((a, b) => b.length - a.length);
  for (const name of known) {
    for (const m of folded.matchAll(new RegExp(escapeRegExp(name), 'g'))) spans.add(m.index ?? 0, (m.index ?? 0) + name.length, maskName(name));
  }
  spans.scan(folded, EMAIL, (m) => {
    const [user, domain] = m.split('@');
    return `${user.slice(0, 1)}***@${domain}`;
  });
  spans.scan(folded, ID_18, maskIdNumber);
  spans.scan(folded, BANK_CARD, (m) => maskDigitsKeeping(m, 4, 4));
  spans.scan(folded, ID_15, maskIdNumber);
  spans.scan(folded, MOBILE, maskPhone);
  spans.scan(folded, LANDLINE, maskPhone);
  spans.scan(folded, LABELLED_LOCAL_PHONE, (m) => maskDigitsKeeping(m, 0, 2), 2);
  spans.scan(folded, QQ, (m) => maskDigitsKeeping(m, 2, 0), 2);
  spans.scan(folded, WECHAT, (m) => `${m.slice(0, 1)}${MASK.repeat(4)}`, 2);
  spans.scan(folded, PLATE, (m) => `${m.slice(0, 2)}${MASK.repeat(5)}`);
  const introduced: string[] = [];
  nameSpans(folded, spans, introduced);
  // A name the text introduces is masked wherever else it appears in the text.
  for (const name of new Set(introduced)) {
    for (const m of folded.matchAll(new RegExp(escapeRegExp(name), 'g'))) spans.add(m.index ?? 0, (m.index ?? 0) + name.length, maskName(name));
  }
  spans.scan(folded, ADDRESS_AFTER_PLACE, () => MASK.repeat(3), 2);
  spans.scan(folded, ADDRESS_UNITS, () => MASK.repeat(3), 1);
  spans.scan(folded, BUILDING_ROOM, () => MASK.repeat(3), 1);
  spans.scan(folded, ROOM, () => MASK.repeat(3), 1);
  return spans.apply(text);
}

/** Names `text` introduces (我叫…, 姓名：…, …先生): masked wherever else they appear in the case. */
export function namesIn(text: string): string[] {
  const names: string[] = [];
  nameSpans(foldForMatching(text), new Spans(), names);
  return [...new Set(names)];
}
