/**
 * The one escaping path for text that came from an issue or a comment and is shown in the bot's
 * markdown (status comment, replies, PR bodies, dashboard): it must not format, link, mention,
 * cross-reference, open a tag, close an HTML comment, or break a table.
 */
export function escapeMarkdown(text: string, maxLength = 300): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return clip(oneLine, maxLength)
    // Entities first, so `<` never reaches the output: no tag, and no `<!--` that could pass for a marker.
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // Only what formats inside a line: code, emphasis, links, table cells, strikethrough.
    .replace(/[\\`*_[\]|]/g, (c) => `\\${c}`)
    .replace(/~~/g, '\\~\\~')
    // A zero-width joiner after @ keeps the text but stops GitHub from notifying people or teams.
    .replace(/@/g, '@\u200d')
    // Likewise `#12` or `owner/repo#12` would cross-reference an issue and notify its timeline.
    .replace(/#(?=\d)/g, '#\u200d')
    .replace(/^([-=]{3,})/, '\\$1');
}

/** The text cut to at most `maxLength` characters, an ellipsis marking the cut. */
export function clip(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** A GitHub login as plain text: logins are [A-Za-z0-9-] (and `[bot]`); anything else is dropped. */
export function safeLogin(login: string): string {
  return login.replace(/[^A-Za-z0-9\-[\]]/g, '');
}

/**
 * Text shown inside a markdown code span: one line, clipped, and without backticks (which would end the span)
 * or anything that could close an HTML comment. Inside a span nothing else formats, links or mentions.
 */
export function escapeCode(text: string, maxLength = 80): string {
  const oneLine = text.replace(/\s+/g, ' ').trim().replace(/`/g, "'").replace(/--/g, '-\u200d-');
  return clip(oneLine, maxLength);
}

/**
 * A word that may appear unchanged in a shell command the PR body shows (a path, a cluster or pool name), or
 * null when it holds anything a shell or markdown would read specially; then the command is not shown.
 */
export function shellWord(text: string): string | null {
  return /^[A-Za-z0-9._/:@+=-]{1,200}$/.test(text) && !text.startsWith('-') ? text : null;
}
