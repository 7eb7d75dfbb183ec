// Small hooks every page uses: data that reloads itself on live events, and the hash route.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { onTopics } from './live.js';

type Topic = 'screens' | 'catalogue' | 'plays';

/** The safety-net poll; live events make most reloads happen at once. */
const POLL_MS = 30_000;

export interface Resource<T> {
  data: T | undefined;
  error: Error | null;
  reload: () => void;
}

/**
 * Loads `load()` now, again whenever one of `topics` changes on the server (over /ws/console), and
 * every 30 s as a fallback. `deps` restart it (a new filter); stale answers never overwrite newer ones.
 */
export function useResource<T>(load: () => Promise<T>, topics: readonly Topic[], deps: unknown[] = []): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | null>(null);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => {
    const mine = ++generation.current;
    loadRef.current().then(
      (value) => mine === generation.current && (setData(value), setError(null)),
      (e: Error) => mine === generation.current && setError(e),
    );
  }, []);
  useEffect(() => {
    reload();
    const stop = onTopics(topics, reload);
    const timer = setInterval(reload, POLL_MS);
    return () => (stop(), clearInterval(timer));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return { data, error, reload };
}

/** The hash route as path segments: `#/screens/scr-1` → ['screens', 'scr-1']. */
export function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export const navigate = (path: string) => {
  location.hash = `#/${path}`;
};
