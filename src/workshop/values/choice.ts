import { MAX_LENGTH, MISSING, failure, isMissingText, normalise, quote, success, tooLong, type ParseResult } from './common.js';

/**
 * True when the value asks for the hub's default rather than an amount: the dropdown option "Use
 * the hub's default", and "default", "hub default", "the default is fine", "not sure", "no
 * preference", "don't know". A trailing note in brackets is ignored ("Default (2 GB)").
 */
export function isHubDefaultChoice(text: string): boolean {
  if (tooLong(text)) return false;
  const t = normalise(text)
    .toLowerCase()
    .replace(/\s*\([^()]*\)\s*$/, '')
    .replace(/[.!]+$/, '')
    .trim();
  if (t.length > MAX_LENGTH) return false;
  return (
    /^(?:(?:please\s+)?use\s+)?(?:the\s+)?(?:hub'?s?\s+|jupyterhub'?s?\s+)?defaults?(?:\s+(?:value|values|setting|settings|option|size|amount|profile))?(?:\s+(?:is\s+)?(?:fine|ok|okay))?$/.test(t) ||
    /^(?:not sure|unsure|no preference|don'?t know|do not know|whatever the default is|as default)$/.test(t)
  );
}

const YES = /^(?:yes|y|yeah|yep|yup|yea|sure|true|definitely|absolutely|required|needed|\u2705|\u2714\ufe0f?|\u2713|\ud83d\udc4d)(?![a-z])/;
const NO = /^(?:no|n|nope|nah|false|not (?:needed|required|necessary|used|using|planned)|no need|none needed|\u274c|\u2717|\u2718|\ud83d\udc4e)(?![a-z])/;
const UNSURE = /^(?:maybe|possibly|probably|perhaps|not sure|unsure|don'?t know|do not know|tbd|either)(?![a-z])/;

/**
 * Reads a yes/no answer: `Yes`, `No`, `yes, dask-gateway` (the first word decides), `y`, `true`,
 * `not needed`, and checkbox renderings: `- [X] Uses Dask` is yes, `- [ ] Uses Dask` is no (any
 * ticked box is yes). "maybe", "yes/no" and anything else is a failure asking for Yes or No;
 * placeholders (TBD, None, …) are `missing`.
 */
export function parseYesNo(text: string): ParseResult<boolean> {
  const ask = failure<boolean>(`could not read ${quote(text)} as an answer; answer Yes or No`);
  if (tooLong(text)) return ask;
  if (isMissingText(text)) return MISSING;
  const boxes = [...text.matchAll(/^\s*(?:[-*+]\s*)?\[([ xX])\]/gm)];
  if (boxes.length > 0) return success(boxes.some((box) => box[1] !== ' '));
  const t = normalise(text).toLowerCase();
  if (t.length > MAX_LENGTH) return ask;
  if (/^(?:yes|no)\s*(?:\/|or)\s*(?:yes|no)\b/.test(t) || UNSURE.test(t)) return ask;
  if (YES.test(t)) return success(true);
  if (NO.test(t)) return success(false);
  return ask;
}
