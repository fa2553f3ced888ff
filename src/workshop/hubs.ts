import type { Config, HubConfig } from '../config/schema.js';

/** Hub lookup by what people write: the URL (with or without scheme, path or trailing slash), the config key, or an alias. */
export function findHub(config: Config, text: string): { name: string; hub: HubConfig } | null {
  const wanted = normaliseHubReference(text);
  for (const [name, hub] of Object.entries(config.hubs)) {
    const names = [name, ...hub.aliases, ...(hub.url ? [hub.url] : [])].map(normaliseHubReference);
    if (names.includes(wanted)) return { name, hub };
  }
  return null;
}

function normaliseHubReference(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/^<|>$/g, '')
    .replace(/^https?:\/\//, '')
    .replace(/[/?#].*$/, '');
}
