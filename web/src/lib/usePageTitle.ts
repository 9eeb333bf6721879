import { useEffect } from 'preact/hooks';

/**
 * Names the page in the tab title and moves focus to its heading, so a
 * screen reader announces where a client-side navigation led.
 */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · jogtrack`;
    document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
  }, [title]);
}
