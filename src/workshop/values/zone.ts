import { FixedOffsetZone, IANAZone } from 'luxon';
import { MAX_LENGTH, MISSING, failure, isMissingText, normalise, quote, success, tooLong, type ParseResult } from './common.js';

/**
 * Time zones as people write them in a form. Abbreviations name the *region's* zone, not a fixed
 * offset: "EST" in July still means New York wall-clock time, because that is what people mean.
 * Ambiguous abbreviations get the reading most likely on our hubs: CST = US Central (not China),
 * IST = India (not Ireland or Israel), BST = Britain, AST = Atlantic (Halifax), GMT = UTC, MT =
 * Denver (not Phoenix; write America/Phoenix or "Arizona" for that).
 */

const ZONE_HELP = 'write it like America/Chicago';

/** Abbreviations, case-insensitive as a whole value. */
const ABBREVIATIONS: Record<string, string> = {
  et: 'America/New_York', est: 'America/New_York', edt: 'America/New_York',
  ct: 'America/Chicago', cst: 'America/Chicago', cdt: 'America/Chicago',
  mt: 'America/Denver', mst: 'America/Denver', mdt: 'America/Denver',
  pt: 'America/Los_Angeles', pst: 'America/Los_Angeles', pdt: 'America/Los_Angeles',
  akt: 'America/Anchorage', akst: 'America/Anchorage', akdt: 'America/Anchorage',
  hst: 'Pacific/Honolulu', hast: 'Pacific/Honolulu', hdt: 'Pacific/Honolulu',
  ast: 'America/Halifax', adt: 'America/Halifax',
  nst: 'America/St_Johns', ndt: 'America/St_Johns',
  utc: 'UTC', gmt: 'UTC', ut: 'UTC', z: 'UTC', zulu: 'UTC', uct: 'UTC',
  bst: 'Europe/London', wet: 'Europe/Lisbon', west: 'Europe/Lisbon',
  cet: 'Europe/Berlin', cest: 'Europe/Berlin', mez: 'Europe/Berlin', mesz: 'Europe/Berlin',
  eet: 'Europe/Athens', eest: 'Europe/Athens', msk: 'Europe/Moscow',
  ist: 'Asia/Kolkata', pkt: 'Asia/Karachi', sgt: 'Asia/Singapore', hkt: 'Asia/Hong_Kong',
  jst: 'Asia/Tokyo', kst: 'Asia/Seoul',
  aest: 'Australia/Sydney', aedt: 'Australia/Sydney', aet: 'Australia/Sydney',
  acst: 'Australia/Adelaide', acdt: 'Australia/Adelaide', awst: 'Australia/Perth',
  nzst: 'Pacific/Auckland', nzdt: 'Pacific/Auckland', nzt: 'Pacific/Auckland',
  sast: 'Africa/Johannesburg', eat: 'Africa/Nairobi', wat: 'Africa/Lagos', cat: 'Africa/Maputo',
  brt: 'America/Sao_Paulo', brst: 'America/Sao_Paulo', art: 'America/Argentina/Buenos_Aires',
  cot: 'America/Bogota', pet: 'America/Lima', clt: 'America/Santiago',
};

/** Abbreviations also found as lower-case inside a longer text; the rest must be upper-case there (cat, art, eat, pet…). */
const ANY_CASE_IN_TEXT = new Set(['et', 'est', 'edt', 'ct', 'cst', 'cdt', 'mst', 'mdt', 'pt', 'pst', 'pdt', 'utc', 'gmt', 'cet', 'cest', 'bst', 'aest', 'aedt', 'nzst', 'nzdt', 'jst', 'sast', 'brt', 'akst', 'akdt', 'hst']);

/** Written-out names, tried in order (specific before general: "Central European" before "Central"). */
const PHRASES: Array<[RegExp, string]> = [
  [/\bcentral europe(?:an)?(?: (?:standard|summer|daylight))?(?: time)?\b/i, 'Europe/Berlin'],
  [/\beastern europe(?:an)?(?: (?:standard|summer|daylight))?(?: time)?\b/i, 'Europe/Athens'],
  [/\bwestern europe(?:an)?(?: (?:standard|summer|daylight))?(?: time)?\b/i, 'Europe/Lisbon'],
  [/\bbritish (?:summer|standard) time\b|\buk time\b/i, 'Europe/London'],
  [/\bgreenwich mean time\b|\bcoordinated universal time\b|\buniversal time\b/i, 'UTC'],
  [/\bindia(?:n)?(?: standard)? time\b/i, 'Asia/Kolkata'],
  [/\baustralian eastern(?: (?:standard|daylight|summer))?(?: time)?\b/i, 'Australia/Sydney'],
  [/\bjapan(?:ese)?(?: standard)? time\b/i, 'Asia/Tokyo'],
  [/\bnew zealand(?: (?:standard|daylight|summer))? time\b/i, 'Pacific/Auckland'],
  [/\bsouth africa(?:n)?(?: standard)? time\b/i, 'Africa/Johannesburg'],
  [/\bbras[ií]lia(?: standard)? time\b/i, 'America/Sao_Paulo'],
  [/\b(?:(?:us|u\.s\.|usa|north american?)[ /-]?)?(eastern|central|mountain|pacific|alaska|hawaii|atlantic|arizona)(?:a?n)?(?: (?:standard|daylight|prevailing|summer))?(?: time)?(?: zone)?(?: ?\((?:us|usa|us ?& ?canada|us and canada|north america)\))?(?![\w/])/i, ''],
];

const REGION_ZONES: Record<string, string> = {
  eastern: 'America/New_York',
  central: 'America/Chicago',
  mountain: 'America/Denver',
  pacific: 'America/Los_Angeles',
  alaska: 'America/Anchorage',
  hawaii: 'Pacific/Honolulu',
  atlantic: 'America/Halifax',
  arizona: 'America/Phoenix',
};

/** Backward-compatible names people still type, to their current IANA name. */
const LINKS: Record<string, string> = {
  'us/pacific': 'America/Los_Angeles', 'us/eastern': 'America/New_York', 'us/central': 'America/Chicago',
  'us/mountain': 'America/Denver', 'us/alaska': 'America/Anchorage', 'us/hawaii': 'Pacific/Honolulu',
  'us/arizona': 'America/Phoenix', 'us/aleutian': 'America/Adak', 'us/east-indiana': 'America/Indiana/Indianapolis',
  'us/indiana-starke': 'America/Indiana/Knox', 'us/michigan': 'America/Detroit', 'us/samoa': 'Pacific/Pago_Pago',
  'canada/pacific': 'America/Vancouver', 'canada/mountain': 'America/Edmonton', 'canada/central': 'America/Winnipeg',
  'canada/eastern': 'America/Toronto', 'canada/atlantic': 'America/Halifax', 'canada/newfoundland': 'America/St_Johns',
  'canada/saskatchewan': 'America/Regina', 'canada/yukon': 'America/Whitehorse',
  'asia/calcutta': 'Asia/Kolkata', 'europe/kiev': 'Europe/Kyiv', 'asia/saigon': 'Asia/Ho_Chi_Minh',
  'asia/katmandu': 'Asia/Kathmandu', 'asia/rangoon': 'Asia/Yangon', 'atlantic/faeroe': 'Atlantic/Faroe',
  'america/godthab': 'America/Nuuk', 'pacific/enderbury': 'Pacific/Kanton', 'europe/uzhgorod': 'Europe/Kyiv',
  'europe/zaporozhye': 'Europe/Kyiv', 'america/buenos_aires': 'America/Argentina/Buenos_Aires',
  'america/indianapolis': 'America/Indiana/Indianapolis', 'america/louisville': 'America/Kentucky/Louisville',
  'brazil/east': 'America/Sao_Paulo', 'mexico/general': 'America/Mexico_City', 'chile/continental': 'America/Santiago',
  'australia/nsw': 'Australia/Sydney', 'australia/act': 'Australia/Sydney', 'australia/canberra': 'Australia/Sydney',
  'australia/victoria': 'Australia/Melbourne', 'australia/queensland': 'Australia/Brisbane',
  'australia/west': 'Australia/Perth', 'australia/south': 'Australia/Adelaide', 'australia/north': 'Australia/Darwin',
  'australia/tasmania': 'Australia/Hobart', 'nz': 'Pacific/Auckland', 'gb': 'Europe/London', 'eire': 'Europe/Dublin',
  'japan': 'Asia/Tokyo', 'singapore': 'Asia/Singapore', 'hongkong': 'Asia/Hong_Kong', 'prc': 'Asia/Shanghai',
  'rok': 'Asia/Seoul', 'israel': 'Asia/Jerusalem', 'turkey': 'Europe/Istanbul', 'egypt': 'Africa/Cairo',
  'iran': 'Asia/Tehran', 'poland': 'Europe/Warsaw', 'portugal': 'Europe/Lisbon', 'iceland': 'Atlantic/Reykjavik',
  'etc/utc': 'UTC', 'etc/gmt': 'UTC', 'etc/universal': 'UTC', 'etc/zulu': 'UTC', 'etc/uct': 'UTC',
  'etc/greenwich': 'UTC', 'universal': 'UTC', 'greenwich': 'UTC', 'gmt0': 'UTC', 'etc/gmt0': 'UTC',
  'etc/gmt+0': 'UTC', 'etc/gmt-0': 'UTC', 'gmt+0': 'UTC', 'gmt-0': 'UTC',
};

/** Canonical IANA names by lower-case name, and by lower-case city ("new york"), built once. */
let canonical: Map<string, string> | null = null;
let cities: Map<string, string> | null = null;
function zoneIndexes(): { canonical: Map<string, string>; cities: Map<string, string> } {
  if (!canonical || !cities) {
    canonical = new Map();
    cities = new Map();
    let names: string[] = [];
    try {
      names = Intl.supportedValuesOf('timeZone');
    } catch {
      names = [];
    }
    for (const raw of [...names, ...Object.values(LINKS), ...Object.values(REGION_ZONES), ...Object.values(ABBREVIATIONS)]) {
      const name = LINKS[raw.toLowerCase()] ?? raw;
      canonical.set(raw.toLowerCase(), name);
      const city = name.split('/').pop()?.replace(/_/g, ' ').toLowerCase();
      if (name.includes('/') && city && !cities.has(city)) cities.set(city, name);
    }
  }
  return { canonical, cities };
}

// Resolving an unknown name builds an Intl.DateTimeFormat (~50 µs): results are remembered per key.
const resolvedNames = new Map<string, string | null>();

/** The current IANA name for a zone name in any case, legacy names mapped forward; null if unknown. */
function canonicalIana(name: string): string | null {
  const key = name.trim().replace(/ +/g, '_').toLowerCase();
  const known = resolvedNames.get(key);
  if (known !== undefined) return known;
  const resolved = resolveIana(key);
  if (resolvedNames.size < 1000) resolvedNames.set(key, resolved);
  return resolved;
}

function resolveIana(key: string): string | null {
  if (!/^[a-z][a-z0-9_+\-/]*$/.test(key) || key.length > 40) return null;
  const linked = LINKS[key] ?? zoneIndexes().canonical.get(key);
  if (linked) return linked;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: key }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  const named = LINKS[resolved.toLowerCase()] ?? resolved;
  return IANAZone.isValidZone(named) ? named : null;
}

/** `UTC+2`, `UTC-5`, `UTC+5:30`: the fixed-offset names luxon accepts; null when out of range. */
function offsetZone(sign: string, hours: string, minutes: string | undefined): string | null {
  const total = (Number(hours) * 60 + Number(minutes ?? 0)) * (sign === '+' ? 1 : -1);
  if (!Number.isFinite(total) || Number(minutes ?? 0) > 59 || total < -12 * 60 || total > 14 * 60) return null;
  // Written by hand: luxon names some offsets in a form it does not read back (`UTC-5:9` for −5:09).
  if (total === 0) return 'UTC';
  const abs = Math.abs(total);
  const name = `UTC${total < 0 ? '-' : '+'}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : ''}`;
  return FixedOffsetZone.parseSpecifier(name) ? name : null;
}

const NAMED_OFFSET = /(?<![A-Za-z0-9])(?:UTC|GMT|UT)\s?([+\-\u2212])\s?(\d{1,2})(?::?(\d{2}))?(?![\d:])/i;
const BARE_OFFSET = /(?<![^\s(])([+\-\u2212])(\d{2}):?(\d{2})(?![\d:])/;
const IANA_IN_TEXT = /(?<![A-Za-z0-9_/])[A-Za-z][A-Za-z_\-]*(?:\/[A-Za-z0-9_+\-]+)+/g;
const ABBREVIATION_IN_TEXT = /(?<![A-Za-z0-9/])([A-Za-z]{2,5})(?![A-Za-z0-9/])/g;
const CITY_TIME = /(?<![A-Za-z])([A-Za-z][A-Za-z. ]{1,30}?) time\b/i;

/** A zone found inside a longer text. */
export interface FoundZone {
  /** IANA name or fixed offset like `UTC+2`. */
  zone: string;
  /** The text with the zone (and brackets left empty by it) removed, tidied. */
  rest: string;
  /** The text that named the zone, as written. */
  matched: string;
  /** Set when the abbreviation has another meaning the text did not rule out: what to confirm. */
  confirm?: string;
}

/**
 * Abbreviations that name two zones in common use. The first reading is taken; a place written
 * next to it ("CST (New Orleans, USA)", "IST, Dublin") picks the reading for that place, and with
 * no place the reading is used and listed for the requester to confirm.
 */
const TWO_MEANINGS: Record<string, Array<[string, string]>> = {
  cst: [['America/Chicago', 'US Central'], ['Asia/Shanghai', 'China']],
  ist: [['Asia/Kolkata', 'India'], ['Europe/Dublin', 'Ireland'], ['Asia/Jerusalem', 'Israel']],
  bst: [['Europe/London', 'British Summer Time'], ['Asia/Dhaka', 'Bangladesh']],
  ast: [['America/Halifax', 'Atlantic'], ['Asia/Riyadh', 'Arabia']],
};

/** Places that pick one reading of a two-meaning abbreviation (words of the note or the rest of the text). */
const PLACE_READINGS: Array<[RegExp, string]> = [
  [/\b(?:usa?|u\.s\.a?|united states|america|canada|mexico|texas|chicago|new orleans|illinois|minnesota|wisconsin|iowa|missouri|louisiana|alabama|oklahoma|kansas|nebraska|houston|dallas|austin)\b/i, 'America/Chicago'],
  [/\b(?:china|beijing|shanghai|taiwan|taipei)\b/i, 'Asia/Shanghai'],
  [/\b(?:india|delhi|mumbai|bangalore|bengaluru|chennai|kolkata|hyderabad|pune)\b/i, 'Asia/Kolkata'],
  [/\b(?:ireland|dublin|cork|galway)\b/i, 'Europe/Dublin'],
  [/\b(?:israel|jerusalem|tel aviv|haifa)\b/i, 'Asia/Jerusalem'],
  [/\b(?:uk|united kingdom|britain|england|scotland|wales|london|edinburgh|manchester)\b/i, 'Europe/London'],
  [/\b(?:bangladesh|dhaka)\b/i, 'Asia/Dhaka'],
  [/\b(?:saudi|riyadh|arabia|kuwait|qatar|bahrain)\b/i, 'Asia/Riyadh'],
  [/\b(?:halifax|nova scotia|new brunswick|puerto rico|caribbean)\b/i, 'America/Halifax'],
];

/** The reading of a two-meaning abbreviation, with what to confirm when the context does not decide. */
function readAbbreviation(key: string, context: string): { zone: string; confirm?: string } | null {
  const zone = ABBREVIATIONS[key];
  if (!zone) return null;
  const readings = TWO_MEANINGS[key];
  if (!readings) return { zone };
  const zones = readings.map(([z]) => z);
  for (const [pattern, place] of PLACE_READINGS) if (zones.includes(place) && pattern.test(context)) return { zone: place };
  const [first, ...others] = readings;
  const alternatives = others.map(([z, name]) => `${name} (${z})`).join(' or ');
  return { zone, confirm: `${key.toUpperCase()} was read as ${first?.[1]} time (${zone}); it can also mean ${alternatives}` };
}

/** A bracketed note right after a zone ("CET (Italy)", "CST (New Orleans, USA)"): its length, or 0. */
function noteAfter(text: string, from: number): number {
  const m = /^\s*\(([^()\d]{1,60})\)/.exec(text.slice(from, from + 70));
  return m ? m[0].length : 0;
}

function cut(text: string, index: number, length: number, zone: string, confirm?: string): FoundZone {
  length += noteAfter(text, index + length);
  const rest = (text.slice(0, index) + ' ' + text.slice(index + length))
    .replace(/\(\s*\)|\[\s*\]/g, ' ')
    .replace(/\s+([,.;)])/g, '$1')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,;:]+|[\s,;:(]+$/g, '')
    .trim();
  return { zone, rest, matched: text.slice(index, index + length), ...(confirm ? { confirm } : {}) };
}

/**
 * Finds a time zone written anywhere inside `text` ("May 29 2024, 9AM Central Time") and returns
 * it with the rest of the text; null when there is none. Looks, in order, for IANA names
 * (`America/Chicago`, `US/Pacific`), `UTC+2`-style offsets, written-out names ("Central European
 * Time", "US Central"), abbreviations (`CET`; the ones that are also English words, like CAT or ART,
 * only in capitals), "<city> time", and bare offsets after a space (`+05:30`). Never throws.
 */
export function findTimeZone(text: string): FoundZone | null {
  if (tooLong(text)) return null;
  const t = normalise(text);
  if (t.length > MAX_LENGTH) return null;

  for (const iana of t.matchAll(IANA_IN_TEXT)) {
    const short = iana[0];
    // "America/New York": one more capitalised word may belong to the name.
    const more = /^ [A-Z][a-z]+/.exec(t.slice(iana.index + short.length));
    for (const candidate of more ? [short + more[0], short] : [short]) {
      const zone = canonicalIana(candidate);
      if (zone) return cut(t, iana.index, candidate.length, zone);
    }
  }

  const named = NAMED_OFFSET.exec(t);
  if (named && named[1] && named[2]) {
    const zone = offsetZone(named[1] === '+' ? '+' : '-', named[2], named[3]);
    if (zone) return cut(t, named.index, named[0].length, zone);
  }

  for (const [pattern, fixed] of PHRASES) {
    const phrase = pattern.exec(t);
    if (!phrase) continue;
    const zone = fixed || REGION_ZONES[(phrase[1] ?? '').toLowerCase()];
    if (zone) return cut(t, phrase.index, phrase[0].length, zone);
  }

  for (const word of t.matchAll(ABBREVIATION_IN_TEXT)) {
    const raw = word[1] ?? '';
    const key = raw.toLowerCase();
    const reading = readAbbreviation(key, t);
    if (!reading || key === 'ut') continue;
    if (raw !== raw.toUpperCase() && !ANY_CASE_IN_TEXT.has(key)) continue;
    return cut(t, word.index, raw.length, reading.zone, reading.confirm);
  }

  const city = CITY_TIME.exec(t);
  if (city && city[1]) {
    const words = city[1].trim().split(' ');
    for (let i = 0; i < words.length; i++) {
      const name = words.slice(i).join(' ');
      const zone = zoneIndexes().cities.get(name.toLowerCase());
      if (zone) {
        const start = city.index + city[0].lastIndexOf(name, city[0].length - 5);
        return cut(t, start, name.length + ' time'.length, zone);
      }
    }
  }

  const bare = BARE_OFFSET.exec(t);
  if (bare && bare[1] && bare[2]) {
    const zone = offsetZone(bare[1] === '+' ? '+' : '-', bare[2], bare[3]);
    if (zone) return cut(t, bare.index, bare[0].length, zone);
  }
  return null;
}

function wholeZone(t: string): string | null {
  const key = t.toLowerCase().replace(/[.]/g, '');
  if (TWO_MEANINGS[key]) return null; // read by findTimeZone, which says what to confirm
  const abbreviation = ABBREVIATIONS[key];
  if (abbreviation) return abbreviation;
  const offset = /^(?:(?:utc|gmt|ut)\s?)?([+\-\u2212])\s?(\d{1,2})(?::?(\d{2}))?$/i.exec(t);
  if (offset && offset[1] && offset[2]) {
    const bareWithoutMinutes = !/^(?:utc|gmt|ut)/i.test(t) && offset[3] === undefined && offset[2].length < 2;
    return bareWithoutMinutes ? null : offsetZone(offset[1] === '+' ? '+' : '-', offset[2], offset[3]);
  }
  const iana = canonicalIana(t);
  if (iana) return iana;
  const city = zoneIndexes().cities.get(key.replace(/ time$/, ''));
  return city ?? null;
}

/**
 * Reads a whole value as a time zone: IANA names in any case (`america/chicago`), legacy names
 * mapped to the current one (`US/Pacific` → America/Los_Angeles, `Asia/Calcutta` → Asia/Kolkata),
 * abbreviations (`CT`, `PDT`, `CET`, `IST`…; see the table above), phrases ("Central Time",
 * "US Central", "Pacific"), city names ("Chicago", "London time") and offsets (`UTC+2`, `GMT-5`,
 * `+05:30` → luxon's fixed zones `UTC+2`, `UTC-5`, `UTC+5:30`). Placeholders are `missing`.
 */
export function parseTimeZone(text: string): ParseResult<string> {
  if (tooLong(text)) return failure('is too long to be a time zone');
  if (isMissingText(text)) return MISSING;
  const t = normalise(text)
    .replace(/^\((.*)\)$/, '$1')
    .replace(/\s+time ?zone$/i, '')
    .trim();
  if (t.length > MAX_LENGTH) return failure('is too long to be a time zone');
  const direct = wholeZone(t);
  if (direct) return success(direct);
  const found = findTimeZone(t);
  if (found) {
    const rest = found.rest.replace(/^[\s(,/-]+|[\s),]+$/g, '').trim();
    if (rest === '' || /^(?:time|local time|zone|time zone|us|usa|us ?& ?canada)$/i.test(rest) || wholeZone(rest) || findTimeZone(rest)?.rest === '') {
      return success(found.zone, found.confirm);
    }
  }
  return failure(`could not read ${quote(text)} as a time zone; ${ZONE_HELP}`);
}
