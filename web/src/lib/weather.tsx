// A small picture for the day's weather, drawn inline (no image files, no
// emoji font needed). It is decorative: the WMO summary is shown beside it.


type Kind = 'clear' | 'partly' | 'cloud' | 'fog' | 'rain' | 'snow' | 'storm';

/** WMO weather interpretation codes (Open-Meteo) grouped into pictures. */
export function weatherKind(code: number | null | undefined): Kind {
  if (code === null || code === undefined) return 'cloud';
  if (code <= 1) return 'clear';
  if (code === 2) return 'partly';
  if (code === 3) return 'cloud';
  if (code === 45 || code === 48) return 'fog';
  if ((code >= 71 && code <= 77) || code === 85 || code === 86) return 'snow';
  if (code >= 95) return 'storm';
  return 'rain';
}

const sun = <circle cx="12" cy="12" r="4.5" fill="#f2b01e" />;
const rays = (
  <g stroke="#f2b01e" stroke-width="2" stroke-linecap="round">
    <path d="M12 2v2.5M12 19.5V22M2 12h2.5M19.5 12H22M4.9 4.9l1.8 1.8M17.3 17.3l1.8 1.8M4.9 19.1l1.8-1.8M17.3 6.7l1.8-1.8" />
  </g>
);
const cloud = (fill: string) => (
  <path d="M7 19h10.5a4 4 0 0 0 .4-8 5.5 5.5 0 0 0-10.6 1.3A3.4 3.4 0 0 0 7 19z" fill={fill} stroke="#5b6676" stroke-width="1.2" />
);

const pictures: Record<Kind, preact.JSX.Element> = {
  clear: <g>{rays}{sun}</g>,
  partly: (
    <g>
      <g transform="translate(-4 -4) scale(.8)">{rays}{sun}</g>
      {cloud('#eef1f5')}
    </g>
  ),
  cloud: cloud('#d5dae1'),
  fog: (
    <g stroke="#6b7685" stroke-width="2" stroke-linecap="round">
      <path d="M4 8h16M2 12h18M5 16h15M3 20h14" />
    </g>
  ),
  rain: (
    <g>
      <g transform="translate(0 -3)">{cloud('#c9d0da')}</g>
      <path d="M8 19l-1 3M12 19l-1 3M16 19l-1 3" stroke="#2f6fd0" stroke-width="2" stroke-linecap="round" />
    </g>
  ),
  snow: (
    <g>
      <g transform="translate(0 -3)">{cloud('#e3e7ec')}</g>
      <g fill="#2f6fd0">
        <circle cx="8" cy="20.5" r="1.2" />
        <circle cx="12" cy="22" r="1.2" />
        <circle cx="16" cy="20.5" r="1.2" />
      </g>
    </g>
  ),
  storm: (
    <g>
      <g transform="translate(0 -3)">{cloud('#aeb6c2')}</g>
      <path d="M12.5 15.5l-3 4.5h3l-1.5 3.5 4-5h-3l1.5-3z" fill="#f2b01e" />
    </g>
  ),
};

export function WeatherIcon({ code }: { code: number | null | undefined }) {
  return (
    <svg class="wx-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      {pictures[weatherKind(code)]}
    </svg>
  );
}

