// A minimal History API router: the app has five flat routes, not worth a
// library. Paths are absolute (/app/runs); the server answers index.html for
// every /app/ path, so a reload lands on the same page.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<() => void>();

export function navigate(to: string, replace = false): void {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const fn of listeners) fn();
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

type LinkProps = { href: string; children: ComponentChildren; 'aria-current'?: 'page' };

export function Link({ href, children, 'aria-current': current }: LinkProps) {
  const onClick = (e: MouseEvent) => {
    // Let the browser handle new-tab and download gestures itself.
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} aria-current={current}>
      {children}
    </a>
  );
}
