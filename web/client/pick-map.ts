/**
 * Marking the exact spot on the location step (decision 0860), drawn only when
 * JavaScript runs: a tile-less SVG map (decision 0831) around the address the
 * resident selects, where a click or tap moves the marker, and so do the arrow
 * keys when the map has focus, each move said in words in a live region. The
 * position goes in hidden `lat`/`long` fields this script adds; without them
 * the server uses the address's own position, as it does without JavaScript.
 */
import { svg } from './nearby-map.js';
import { projection, size, type Projection } from './map-projection.js';

/** Metres an arrow key moves the marker. */
const step = 10;

interface Place {
  readonly uprn: string;
  readonly address: string;
  readonly lat: number;
  readonly long: number;
}

const isPlace = (p: unknown): p is Place =>
  typeof p === 'object' &&
  p !== null &&
  typeof (p as Place).uprn === 'string' &&
  typeof (p as Place).address === 'string' &&
  Number.isFinite((p as Place).lat) &&
  Number.isFinite((p as Place).long);

const directions: Record<string, [east: number, north: number, name: string]> = {
  ArrowUp: [0, step, 'north'],
  ArrowDown: [0, -step, 'south'],
  ArrowLeft: [-step, 0, 'west'],
  ArrowRight: [step, 0, 'east'],
};

/** "12 metres north and 3 metres west of 11 Mill Lane", or "at 11 Mill Lane". */
function relative([east, north]: [number, number], address: string): string {
  const parts: string[] = [];
  const m = (n: number) => `${Math.round(Math.abs(n))} metre${Math.round(Math.abs(n)) === 1 ? '' : 's'}`;
  if (Math.round(north) !== 0) parts.push(`${m(north)} ${north > 0 ? 'north' : 'south'}`);
  if (Math.round(east) !== 0) parts.push(`${m(east)} ${east > 0 ? 'east' : 'west'}`);
  return parts.length ? `${parts.join(' and ')} of ${address}` : `at ${address}`;
}

export function drawPickMap(container: HTMLElement): void {
  const form = container.closest('form');
  const radius = Number(container.dataset.radius);
  let parsed: unknown;
  try {
    parsed = JSON.parse(container.dataset.places ?? '[]');
  } catch {
    return;
  }
  if (!form || !(radius > 0) || !Array.isArray(parsed)) return;
  const places = parsed.filter(isPlace);
  if (places.length === 0) return;

  const hidden = (name: string) => {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    form.append(input);
    return input;
  };
  const latField = hidden('lat');
  const longField = hidden('long');

  const map = svg('svg', {
    viewBox: `0 0 ${size} ${size}`,
    class: 'app-map__svg app-map__svg--pick',
    role: 'application',
    tabindex: 0,
    'aria-label': 'Map to mark where the problem is',
    'aria-describedby': 'app-pick-map-hint',
  });
  const area = svg('circle', { cx: size / 2, cy: size / 2, class: 'app-map__area' });
  const home = svg('rect', { width: 10, height: 10, class: 'app-map__address' });
  const marker = svg('g', { class: 'app-map__marker' });
  marker.append(svg('circle', { r: 9 }), svg('circle', { r: 2, class: 'app-map__marker-centre' }));
  const scaleBar = svg('line', { x1: 12, y1: size - 14, y2: size - 14, class: 'app-map__scale' });
  map.append(
    svg('rect', { x: 0, y: 0, width: size, height: size, class: 'app-map__ground' }),
    area,
    home,
    scaleBar,
    svg('text', { x: 12, y: size - 20, class: 'app-map__label' }, '100 m'),
    marker,
  );

  const hint = document.createElement('p');
  hint.className = 'govuk-hint';
  hint.id = 'app-pick-map-hint';
  hint.textContent = `Optional. The square is the address you selected. Click or tap the map to move the marker to the problem, or use the arrow keys to move it ${step} metres at a time.`;
  const live = document.createElement('p');
  live.className = 'govuk-visually-hidden';
  live.setAttribute('aria-live', 'polite');
  live.dataset.pickMapStatus = '';

  let place = places[0] as Place;
  let view: Projection = projection(place.lat, place.long, radius);
  let position = { lat: place.lat, long: place.long };
  const edge = size / 2 / view.scale; // metres from the centre to the map's edge

  const show = () => {
    marker.setAttribute('transform', `translate(${view.x(position.long)} ${view.y(position.lat)})`);
  };
  const centreOn = (chosen: Place) => {
    place = chosen;
    view = projection(place.lat, place.long, radius);
    position = { lat: place.lat, long: place.long };
    area.setAttribute('r', String(radius * view.scale));
    scaleBar.setAttribute('x2', String(12 + 100 * view.scale));
    home.setAttribute('x', String(size / 2 - 5));
    home.setAttribute('y', String(size / 2 - 5));
    latField.value = '';
    longField.value = '';
    show();
  };
  const moveTo = (next: { lat: number; long: number }): boolean => {
    const [east, north] = view.metres(place, next);
    if (Math.abs(east) > edge || Math.abs(north) > edge) return false;
    position = next;
    latField.value = next.lat.toFixed(6);
    longField.value = next.long.toFixed(6);
    show();
    return true;
  };

  map.addEventListener('click', (event) => {
    const box = map.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * size;
    const y = ((event.clientY - box.top) / box.height) * size;
    if (moveTo(view.at(x, y)))
      live.textContent = `Marker placed ${relative(view.metres(place, position), place.address)}`;
  });
  map.addEventListener('keydown', (event) => {
    const direction = directions[event.key];
    if (!direction) return;
    event.preventDefault();
    const [east, north, name] = direction;
    live.textContent = moveTo(view.offset(position, east, north))
      ? `Marker moved ${step} metres ${name}, ${relative(view.metres(place, position), place.address)}`
      : 'The marker is at the edge of the map';
  });
  for (const radio of form.querySelectorAll<HTMLInputElement>('input[name="uprn"]')) {
    const chosen = places.find((p) => p.uprn === radio.value);
    if (!chosen) continue;
    if (radio.checked) place = chosen;
    radio.addEventListener('change', () => {
      centreOn(chosen);
      live.textContent = `Map centred on ${chosen.address}`;
    });
  }
  centreOn(place);
  container.append(hint, map, live);
  container.hidden = false;
}

export function initPickMaps(): void {
  for (const element of document.querySelectorAll<HTMLElement>('[data-app-pick-map]')) drawPickMap(element);
}
