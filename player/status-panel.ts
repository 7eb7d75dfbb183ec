// The audio station's display: large type an operator can read across the room. What airs now and
// next, whether the server is reachable, and when it was last heard from.
import type { Strings } from './strings.js';

export interface StationStatus {
  now: string | null;
  next: string | null;
  isOnline: boolean;
  lastSync: Date | null;
}

export function createStatusPanel(root: HTMLElement, strings: Strings, timeZone: () => string | undefined) {
  const panel = document.createElement('div');
  panel.id = 'status-panel';
  const heading = document.createElement('div');
  heading.className = 'status-title';
  heading.textContent = strings.stationTitle;
  panel.append(heading);
  const row = (label: string) => {
    const line = document.createElement('div');
    line.className = 'status-row';
    const name = document.createElement('span');
    name.className = 'status-label';
    name.textContent = label;
    const value = document.createElement('span');
    value.className = 'status-value';
    line.append(name, value);
    panel.append(line);
    return value;
  };
  const now = row(strings.nowPlaying);
  const next = row(strings.next);
  const connection = row(strings.connection);
  const lastSync = row(strings.lastSync);
  root.append(panel);

  return {
    render(status: StationStatus): void {
      now.textContent = status.now ?? strings.idle;
      next.textContent = status.next ?? '—';
      connection.textContent = status.isOnline ? strings.online : strings.offline;
      connection.classList.toggle('is-offline', !status.isOnline);
      lastSync.textContent = status.lastSync ? formatTime(status.lastSync, timeZone()) : strings.never;
    },
  };
}

function formatTime(date: Date, timeZone: string | undefined): string {
  try {
    return new Intl.DateTimeFormat('zh-CN', { timeZone, dateStyle: 'short', timeStyle: 'medium' }).format(date);
  } catch {
    return date.toLocaleString();
  }
}
