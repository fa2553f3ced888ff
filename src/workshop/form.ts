import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { extractLabelled } from './labelled.js';
import type { Problem } from './types.js';

/**
 * Reads GitHub's rendering of an issue-form issue, driven by the form's YAML so the form can change
 * without code changes. GitHub renders each field as `### <label>` followed by the value; empty
 * optional fields render as `_No response_`, an unselected dropdown as `None`, checkboxes as
 * `- [X] label` / `- [ ] label`. Markdown blocks of the form are not rendered into the body.
 */

/** One input field of an issue form. */
export interface FormField {
  id: string;
  label: string;
  type: 'input' | 'textarea' | 'dropdown' | 'checkboxes';
  required: boolean;
  options: string[];
}

const formYamlSchema = z.object({
  body: z.array(
    z.object({
      type: z.string(),
      id: z.string().optional(),
      attributes: z
        .object({
          label: z.string().optional(),
          options: z.array(z.union([z.string(), z.number(), z.boolean(), z.object({ label: z.union([z.string(), z.number(), z.boolean()]) })])).optional(),
        })
        .loose()
        .default({}),
      validations: z.object({ required: z.boolean().optional() }).loose().optional(),
    }),
  ),
});

const INPUT_TYPES = new Set(['input', 'textarea', 'dropdown', 'checkboxes']);

/** Parses an issue form's YAML into its input fields; an error sentence when it is not a form. */
export function readFormTemplate(yamlText: string): { ok: true; fields: FormField[] } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (error) {
    return { ok: false, error: `the issue form is not valid YAML (${(error as Error).message.split('\n')[0]})` };
  }
  return readFormDefinition(raw);
}

/** Same as readFormTemplate, from an already parsed YAML value (Probot's `context.config` parses for us). */
export function readFormDefinition(raw: unknown): { ok: true; fields: FormField[] } | { ok: false; error: string } {
  const parsed = formYamlSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: 'the issue form has no `body` list of fields' };
  const fields: FormField[] = [];
  for (const item of parsed.data.body) {
    if (!INPUT_TYPES.has(item.type) || !item.attributes.label) continue;
    const label = item.attributes.label;
    fields.push({
      id: item.id ?? slug(label),
      label,
      type: item.type as FormField['type'],
      required: item.validations?.required === true,
      options: (item.attributes.options ?? []).map((option) =>
        typeof option === 'object' ? String(option.label) : String(option),
      ),
    });
  }
  return { ok: true, fields };
}

const NO_RESPONSE = /^_?no response_?$/i;

/**
 * The raw text under each `### label` heading, keyed by normalised label. With `headings`, only those
 * split the body (so a `### ` typed inside a textarea stays text); with null, every heading does
 * (used when the form is not fully known).
 */
export function splitFormBody(body: string, headings: string[] | null): Map<string, string> {
  const known = headings ? new Set(headings.map(normaliseLabel)) : null;
  const sections = new Map<string, string>();
  let current: string | null = null;
  let buffer: string[] = [];
  const flush = () => {
    if (current !== null && !sections.has(current)) sections.set(current, buffer.join('\n').trim());
  };
  for (const line of body.replace(/\r\n?/g, '\n').split('\n')) {
    // Headings are short; a long line is never one (and is not handed to the pattern).
    const heading = line.length <= 500 ? /^###\s+(.+?)\s*#*\s*$/.exec(line) : null;
    // Only headings that name a field split the body, so a `### ` typed inside a textarea stays text.
    if (heading && (known === null || known.has(normaliseLabel(heading[1] ?? '')))) {
      flush();
      current = normaliseLabel(heading[1] ?? '');
      buffer = [];
    } else if (current !== null) {
      buffer.push(line);
    }
  }
  flush();
  return sections;
}

/** A field's value as the parsers see it: null when empty, `_No response_` or an unselected dropdown. */
export function cleanValue(raw: string | undefined, field: Pick<FormField, 'type'>): string | null {
  if (raw === undefined) return null;
  const text = raw.trim();
  if (text === '' || NO_RESPONSE.test(text)) return null;
  if (field.type === 'dropdown' && /^none$/i.test(text)) return null;
  if (field.type === 'checkboxes') {
    const ticked = text
      .split('\n')
      .map((line) => /^\s*-\s*\[[xX]\]\s*(.*)$/.exec(line)?.[1]?.trim())
      .filter((label): label is string => Boolean(label));
    return ticked.length ? ticked.join('\n') : null;
  }
  return text;
}

/** How to read a body: which heading feeds each of our fields, and which headings split sections. */
export interface FormReader {
  sources: FieldSource[];
  /** Every heading of the form in use; null when not known (a label-only field map). */
  headings: string[] | null;
}

export interface FieldSource {
  /** Our field id. */
  id: string;
  /** The heading to look for in the body. */
  label: string;
  type: FormField['type'];
}

/**
 * Which heading feeds each of our fields. `fieldMap` maps our id to the organisation's field id or
 * label; ids are resolved through the organisation's form when it is given (`theirForm`).
 */
export function resolveFieldSources(
  ourForm: FormField[],
  fieldMap: Record<string, string>,
  theirForm: FormField[] = [],
): FormReader {
  const sources = ourForm.map((field): FieldSource => {
    const mapped = fieldMap[field.id];
    if (mapped === undefined) return { id: field.id, label: field.label, type: field.type };
    const theirs = theirForm.find((f) => f.id === mapped) ?? theirForm.find((f) => normaliseLabel(f.label) === normaliseLabel(mapped));
    return theirs
      ? { id: field.id, label: theirs.label, type: theirs.type }
      : { id: field.id, label: mapped, type: field.type === 'dropdown' ? 'input' : field.type };
  });
  const mapped = Object.keys(fieldMap).length > 0;
  const headings = !mapped ? ourForm.map((f) => f.label) : theirForm.length ? [...sources.map((s) => s.label), ...theirForm.map((f) => f.label)] : null;
  return { sources, headings };
}

/** Extracts our fields from a rendered form body: our id → cleaned value (null when not given). */
export function extractFields(body: string, form: FormReader): Record<string, string | null> {
  return readFields(body, form).values;
}

/**
 * Our fields from an issue body, and readings to confirm. A field whose `### ` heading is in the body
 * is read there (`_No response_` is an answer: not given). A field without its heading is looked
 * for the way older templates and support tickets write it (see labelled.ts); `knownHubs` (host
 * names) lets an address in the text name the hub.
 */
export function readFields(body: string, form: FormReader, knownHubs: string[] = []): { values: Record<string, string | null>; confirmations: Problem[] } {
  const sections = splitFormBody(body, form.headings);
  const values: Record<string, string | null> = {};
  const absent: FieldSource[] = [];
  for (const source of form.sources) {
    const section = sections.get(normaliseLabel(source.label));
    values[source.id] = cleanValue(section, source);
    if (section === undefined) absent.push(source);
  }
  if (absent.length === 0) return { values, confirmations: [] };
  const labelled = extractLabelled(body.length > 100_000 ? body.slice(0, 100_000) : body, absent, knownHubs);
  for (const source of absent) values[source.id] = labelled.values[source.id] ?? null;
  return { values, confirmations: labelled.confirmations.filter((c) => absent.some((s) => s.id === c.field)) };
}

/** True when the body looks like it came from this form (at least three of our fields' headings). */
export function looksLikeForm(body: string, form: FormReader): boolean {
  const sections = splitFormBody(body, form.sources.map((s) => s.label));
  return form.sources.filter((s) => sections.has(normaliseLabel(s.label))).length >= 3;
}

function normaliseLabel(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase();
}

function slug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}
