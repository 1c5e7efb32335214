import type { Storage } from '@graphiql/toolkit';

const NAMESPACE = 'graphiql:';
/** Where GraphiQL keeps the "persist headers" setting of its settings dialog. */
const PERSIST_HEADERS = `${NAMESPACE}shouldPersistHeaders`;
/** GraphiQL's query history and favourites: lists of {query, variables, headers, …}. */
const HISTORY = new Set([`${NAMESPACE}queries`, `${NAMESPACE}favorites`]);

/**
 * GraphiQL's storage on `localStorage`, minus the headers of history entries. GraphiQL's
 * history plugin saves every run operation with its tab's headers whatever
 * `shouldPersistHeaders` says, so the API key typed into the Headers pane would outlive the
 * tab in `localStorage`. Headers are kept only while the user has turned persistence on in the
 * settings dialog (GraphiQL writes that choice under `shouldPersistHeaders`).
 */
export function createPlaygroundStorage(backing: globalThis.Storage = localStorage): Storage {
  return {
    getItem: (key) => backing.getItem(key),
    setItem(key, value) {
      const keepHeaders = backing.getItem(PERSIST_HEADERS) === 'true';
      backing.setItem(key, HISTORY.has(key) && !keepHeaders ? withoutHeaders(key, value) : value);
    },
    removeItem: (key) => backing.removeItem(key),
    // Like GraphiQL's default: only its own keys count and are cleared.
    get length() {
      return ownKeys(backing).length;
    },
    clear() {
      for (const key of ownKeys(backing)) {
        backing.removeItem(key);
      }
    },
  };
}

// A history value is `{"queries": [item, …]}` (or `favorites`); anything else is left alone.
function withoutHeaders(key: string, value: string): string {
  const name = key.slice(NAMESPACE.length);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return value;
  }
  const items = (parsed as Record<string, unknown> | null)?.[name];
  if (!Array.isArray(items)) {
    return value;
  }

  return JSON.stringify({
    [name]: items.map((item: unknown) =>
      typeof item === 'object' && item !== null ? { ...item, headers: undefined } : item,
    ),
  });
}

function ownKeys(backing: globalThis.Storage): string[] {
  return Object.keys(backing).filter((key) => key.startsWith(NAMESPACE));
}
