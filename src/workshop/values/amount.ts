import { isHubDefaultChoice } from './choice.js';
import { MAX_LENGTH, MISSING, failure, isMissingText, normalise, quote, readNumber, success, tooLong, type ParseResult } from './common.js';

/**
 * Numbers people write in a form: counts of people, memory, CPU and data sizes. Qualifiers like
 * "about", "~", "up to", "at most", "less than" are dropped, and for ranges ("60-80", "2 to 4 GB")
 * we plan for the upper end, as the form asks.
 */

const QUALIFIER =
  /^(?:~|\u2248|<=?|\u2264|about|approximately|approx\.?|around|roughly|circa|ca\.|est\.|estimated|expected|maybe|up ?to|at most|no more than|max(?:imum)?\.?:?|less than|fewer than|under|below|at least|min(?:imum)?\.?:?|peak(?: of)?:?)\s*/i;

/** Drops leading qualifiers (repeatedly: "about ~60"). */
function dropQualifiers(text: string): string {
  let t = text.trim();
  for (let i = 0; i < 4; i++) {
    const next = t.replace(QUALIFIER, '').trim();
    if (next === t) break;
    t = next;
  }
  return t;
}

/** A number, or a range of two (upper bound), each with an optional unit: "2-4 GB", "2 GB to 4 GB". */
function amount(text: string): { value: number; unit: string; range?: true } | 'negative' | null {
  const t = text.trim().toLowerCase();
  if (/^[-\u2212]\s*\d/.test(t)) return 'negative';
  const NUMBER = String.raw`((?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?)`;
  const UNIT = String.raw`\s*([a-z][a-z ]{0,20}?)?`;
  const range = new RegExp(String.raw`^${NUMBER}${UNIT}\s*(?:-|\u2013|\u2014|to|or)\s*${NUMBER}${UNIT}$`).exec(t);
  if (range) {
    const [low, high] = [readNumber(range[1] ?? ''), readNumber(range[3] ?? '')];
    const unit = (range[4] ?? range[2] ?? '').trim();
    if (Number.isFinite(low) && Number.isFinite(high) && (!range[2] || !range[4] || range[2].trim() === range[4].trim())) {
      return { value: Math.max(low, high), unit, ...(low !== high ? { range: true } : {}) };
    }
  }
  const single = new RegExp(String.raw`^${NUMBER}\s*\+?${UNIT}\s*\+?$`).exec(t);
  if (!single) return null;
  const value = readNumber(single[1] ?? '');
  return Number.isFinite(value) ? { value, unit: (single[2] ?? '').trim() } : null;
}

const PEOPLE =
  /\s*(?:\b(?:people|persons?|students?|attendees?|participants?|learners?|users?|folks|researchers?|trainees?|seats?|pax|humans?)\b)?\s*(?:\b(?:max(?:imum)?|total|in total|at once|at a time|at the same time|simultaneously|concurrently|concurrent|simultaneous|expected|peak)\b\s*)*\.?$/i;

/**
 * Reads a positive whole number of people: `60`, `about 60`, `~60`, `60-80` and `60 to 80` (the
 * upper bound), `up to 200`, `200+`, `1,200`, `60 people`, `approximately 45 students`. Zero,
 * negative numbers and fractions are failures; placeholders (TBD, …) are `missing`.
 */
export function parseCount(text: string): ParseResult<number> {
  const example = 'write a number like 60, or a range like 60-80';
  if (tooLong(text)) return failure(`is too long to be a number; ${example}`);
  if (isMissingText(text)) return MISSING;
  const t = normalise(text);
  if (t.length > MAX_LENGTH) return failure(`is too long to be a number; ${example}`);
  const core = dropQualifiers(t).replace(PEOPLE, '').trim();
  const read = amount(core);
  if (read === 'negative') return failure(`${quote(text)} is negative; ${example}`);
  if (read === null || read.unit !== '') return failure(`could not read ${quote(text)} as a number; ${example}`);
  if (!Number.isInteger(read.value)) return failure(`${quote(text)} is not a whole number; ${example}`);
  if (read.value < 1) return failure(`must be at least 1; ${example}`);
  if (!Number.isSafeInteger(read.value)) return failure(`${quote(text)} is too large; ${example}`);
  return success(read.value, read.range ? `${quote(text)} is a range; the plan is for the upper end, ${read.value} at once` : undefined);
}

const BINARY: Array<[RegExp, number]> = [
  [/^(?:b|bytes?)$/, 1],
  [/^(?:k|kb|kib|ki|kilobytes?|kibibytes?)$/, 1024],
  [/^(?:m|mb|mib|mi|megs?|megabytes?|mebibytes?)$/, 1024 ** 2],
  [/^(?:g|gb|gib|gi|gigs?|gigabytes?|gibibytes?)$/, 1024 ** 3],
  [/^(?:t|tb|tib|ti|terabytes?|tebibytes?)$/, 1024 ** 4],
];

const PER_USER = /\s*(?:\b(?:of\s+)?(?:ram|memory|mem)\b)?\s*(?:\b(?:per|for each|each|\/)\s*(?:user|person|attendee|participant|student|learner|server|pod)?\b|\beach\b)?\s*\.?$/i;

/**
 * Reads memory per user as bytes, or null for "use the hub's default" (see isHubDefaultChoice):
 * `4 GB`, `4GiB`, `4096 MiB`, `4G`, `4 gigabytes`, `512MB`, `0.5 GB`, `4 GB RAM per user`.
 *
 * Units are binary whatever the spelling: people writing "4 GB" in this form mean the hub's "4 GB"
 * profile, which KubeSpawner gets as `4G`, and KubeSpawner reads G as 1024³. So GB = G = GiB =
 * 1024³ bytes and MB = M = MiB = 1024² bytes. A number without a unit is a failure (ask for "4 GB").
 */
export function parseMemory(text: string): ParseResult<number | null> {
  const example = 'write it like 4 GB';
  const read = perUserAmount(text, 'an amount of memory', example);
  if (read === null || 'ok' in read) return read ?? success(null);
  if (read.unit === '') return failure(`${quote(text)} has no unit; ${example}`);
  const factor = BINARY.find(([pattern]) => pattern.test(read.unit))?.[1];
  if (factor === undefined) return failure(`${quote(text)} has a unit we do not know; ${example}`);
  const bytes = Math.round(read.value * factor);
  if (bytes <= 0) return failure(`must be more than 0; ${example}`);
  if (bytes < 1024 ** 2) return failure(`${quote(text)} is less than 1 MB; ${example}`);
  if (!Number.isSafeInteger(bytes)) return failure(`${quote(text)} is too large; ${example}`);
  return success(bytes);
}

/**
 * The shared start of the per-user parsers: missing → MISSING, "use the hub's default" → null, else
 * the number and unit read, or a failure saying why (`noun` names what was expected).
 */
function perUserAmount(text: string, noun: string, example: string): { value: number; unit: string } | ParseResult<never> | null {
  if (tooLong(text)) return failure(`is too long to be ${noun}; ${example}`);
  if (isMissingText(text)) return MISSING;
  if (isHubDefaultChoice(text)) return null;
  const t = normalise(text);
  if (t.length > MAX_LENGTH) return failure(`is too long to be ${noun}; ${example}`);
  const read = amount(dropQualifiers(t).replace(PER_USER, ''));
  if (read === 'negative') return failure(`${quote(text)} is negative; ${example}`);
  if (read === null) return failure(`could not read ${quote(text)} as ${noun}; ${example}`);
  return read;
}

/**
 * Reads CPU per user as cores, or null for "use the hub's default": `2`, `0.5`, `2 CPUs`,
 * `2 cores`, `1 vCPU`, and Kubernetes millicores `500m` (= 0.5). Zero is a failure.
 */
export function parseCpu(text: string): ParseResult<number | null> {
  const example = 'write it like 2 or 0.5';
  const read = perUserAmount(text, 'a number of CPUs', example);
  if (read === null || 'ok' in read) return read ?? success(null);
  let cores: number;
  if (/^(?:m|millicores?|millicpus?|mcpus?)$/.test(read.unit)) cores = read.value / 1000;
  else if (/^(?:|cpus?|cores?|cpu cores?|v ?cpus?|v ?cores?|virtual cpus?|threads?|processors?)$/.test(read.unit)) cores = read.value;
  else return failure(`could not read ${quote(text)} as a number of CPUs; ${example}`);
  if (cores <= 0) return failure(`must be more than 0; ${example}`);
  if (cores > 1024) return failure(`${quote(text)} is more CPUs than any node has; ${example}`);
  return success(cores);
}

const DECIMAL: Array<[RegExp, number]> = [
  [/^(?:b|bytes?)$/, 1e-9],
  [/^(?:k|kb|kilobytes?)$/, 1e-6],
  [/^(?:kib|ki)$/, 1024 / 1e9],
  [/^(?:m|mb|megs?|megabytes?)$/, 1e-3],
  [/^(?:mib|mi)$/, 1024 ** 2 / 1e9],
  [/^(?:g|gb|gigs?|gigabytes?)$/, 1],
  [/^(?:gib|gi)$/, 1024 ** 3 / 1e9],
  [/^(?:t|tb|terabytes?)$/, 1e3],
  [/^(?:tib|ti)$/, 1024 ** 4 / 1e9],
  [/^(?:p|pb|petabytes?)$/, 1e6],
];

const NO_DATA = /^(?:none|no data|no|nothing|zero|0|no extra data|no additional data|not much data|nothing extra)$/;

/**
 * Reads a data size in GB, or null for "use the hub's default": `5 GB`, `500 MB` (0.5), `1.5 TB`
 * (1500), `~2 GB per user`, `less than 1 GB` (1, the upper bound). "none", "no data", "nothing"
 * and 0 are 0 — typed here "None" means no data (unlike an unselected dropdown, which is missing).
 * Data sizes are decimal (1 TB = 1000 GB, 1 MB = 0.001 GB); GiB/MiB/TiB convert exactly. Words
 * without a number ("small") and numbers without a unit are failures.
 */
export function parseSizeGB(text: string): ParseResult<number | null> {
  const example = 'write a number with a unit, like 5 GB';
  if (tooLong(text)) return failure(`is too long to be a size; ${example}`);
  const lower = normalise(text).toLowerCase().replace(/[.!]+$/, '');
  if (NO_DATA.test(lower) || /^0+(?:\.0+)?\s*[a-z]*$/.test(lower)) return success(0);
  if (isMissingText(text)) return MISSING;
  if (isHubDefaultChoice(text)) return success(null);
  if (lower.length > MAX_LENGTH) return failure(`is too long to be a size; ${example}`);
  const read = amount(dropQualifiers(lower).replace(/\s*\b(?:of data|data)\b/, '').replace(PER_USER, ''));
  if (read === 'negative') return failure(`${quote(text)} is negative; ${example}`);
  if (read === null) return failure(`could not read ${quote(text)} as a size; ${example}`);
  if (read.unit === '') return failure(`${quote(text)} has no unit; ${example}`);
  const factor = DECIMAL.find(([pattern]) => pattern.test(read.unit))?.[1];
  if (factor === undefined) return failure(`${quote(text)} has a unit we do not know; ${example}`);
  const gb = Math.round(read.value * factor * 1e9) / 1e9;
  if (!Number.isFinite(gb)) return failure(`${quote(text)} is too large; ${example}`);
  return success(gb);
}
