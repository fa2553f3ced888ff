import type { Config, HubConfig } from '../config/schema.js';
import { editDistance } from '../config/strict.js';

/** Hub lookup by what people write: the URL (with or without scheme, path or trailing slash), the config key, or an alias. */
export function findHub(config: Config, text: string): { name: string; hub: HubConfig } | null {
  const wanted = normaliseHubReference(text);
  for (const [name, hub] of Object.entries(config.hubs)) {
    const names = [name, ...hub.aliases, ...(hub.url ? [hub.url] : [])].map(normaliseHubReference);
    if (names.includes(wanted)) return { name, hub };
  }
  return null;
}

/** Host names of the configured hubs (lower case), so that an address in a free-form request names its hub. */
export function hubHosts(config: Config): string[] {
  return Object.values(config.hubs).flatMap((hub) => (hub.url ? [normaliseHubReference(hub.url)] : []));
}

function normaliseHubReference(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/^<|>$/g, '')
    .replace(/^https?:\/\//, '')
    .replace(/[/?#].*$/, '');
}

/** How many configured hubs a "not found" message lists, nearest first. */
const HUBS_LISTED = 8;

/**
 * The message for a hub reference that matches no configured hub: the nearest name as a suggestion
 * when it is close, and the hubs there are (nearest first, at most HUBS_LISTED).
 */
export function hubNotFoundMessage(config: Config, text: string): string {
  // Capped before the quadratic distance: a pasted essay is compared by its first characters only.
  const wanted = normaliseHubReference(text.slice(0, 200)).slice(0, 80);
  const ranked = Object.entries(config.hubs)
    .map(([name, hub]) => {
      const references = [name, ...hub.aliases, ...(hub.url ? [hub.url] : [])].map((r) => normaliseHubReference(r).slice(0, 80));
      return { label: hub.url ?? name, distance: Math.min(...references.map((r) => editDistance(wanted, r))) };
    })
    .sort((a, b) => a.distance - b.distance || a.label.localeCompare(b.label));
  const nearest = ranked[0];
  const close = nearest && nearest.distance <= Math.max(2, Math.floor(wanted.length / 3));
  const listed = ranked.slice(0, HUBS_LISTED).map((h) => h.label);
  const more = ranked.length > HUBS_LISTED ? ` and ${ranked.length - HUBS_LISTED} more` : '';
  const shown = text.trim().length > 80 ? `${text.trim().slice(0, 80)}…` : text.trim();
  return [
    `Hub: we could not find a hub called "${shown}".`,
    close ? ` Did you mean ${nearest.label}?` : '',
    listed.length ? ` The hubs we know: ${listed.join(', ')}${more}.` : ' No hubs are configured yet.',
    " Use the hub's address as it appears in your browser.",
  ].join('');
}
