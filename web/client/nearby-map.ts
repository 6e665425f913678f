/**
 * A lightweight map, drawn only when JavaScript runs (decision 0831): the place
 * the resident chose and the open reports near it, plotted to scale in SVG with
 * no map tiles, so nothing is fetched from elsewhere and the CSP stays 'self'.
 * The numbered list on the page says everything the map shows; a pin only
 * saves a click by selecting its report in that list.
 */
import { projection, size } from './map-projection.js';

const svgNs = 'http://www.w3.org/2000/svg';

interface Pin {
  readonly n: number;
  readonly id: string;
  readonly lat: number;
  readonly long: number;
}

export function svg<K extends keyof SVGElementTagNameMap>(
  name: K,
  attributes: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(svgNs, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

const isPin = (p: unknown): p is Pin =>
  typeof p === 'object' &&
  p !== null &&
  typeof (p as Pin).n === 'number' &&
  typeof (p as Pin).id === 'string' &&
  Number.isFinite((p as Pin).lat) &&
  Number.isFinite((p as Pin).long);

export function drawNearbyMap(container: HTMLElement): void {
  const lat = Number(container.dataset.centreLat);
  const long = Number(container.dataset.centreLong);
  const radius = Number(container.dataset.radius);
  let parsed: unknown;
  try {
    parsed = JSON.parse(container.dataset.pins ?? '[]');
  } catch {
    return;
  }
  if (!Number.isFinite(lat) || !Number.isFinite(long) || !(radius > 0) || !Array.isArray(parsed)) return;
  const pins = parsed.filter(isPin);
  // Metres east and north of the chosen place, scaled so the search circle fills the square.
  const { scale, x, y } = projection(lat, long, radius);

  const map = svg('svg', {
    viewBox: `0 0 ${size} ${size}`,
    class: 'app-map__svg',
    role: 'img',
    'aria-labelledby': 'app-map-title',
    focusable: 'false',
  });
  map.append(
    svg(
      'title',
      { id: 'app-map-title' },
      `Map of the place you chose and ${pins.length} open report${pins.length === 1 ? '' : 's'} within ${radius} metres, numbered as in the list below`,
    ),
    svg('rect', { x: 0, y: 0, width: size, height: size, class: 'app-map__ground' }),
    svg('circle', { cx: size / 2, cy: size / 2, r: radius * scale, class: 'app-map__area' }),
  );
  const centre = size / 2;
  map.append(
    svg('rect', {
      x: centre - 7,
      y: centre - 7,
      width: 14,
      height: 14,
      transform: `rotate(45 ${centre} ${centre})`,
      class: 'app-map__chosen',
    }),
  );
  for (const pin of pins) {
    const group = svg('g', { class: 'app-map__pin', 'data-report': pin.id });
    group.append(
      svg('circle', { cx: x(pin.long), cy: y(pin.lat), r: 11 }),
      svg('text', { x: x(pin.long), y: y(pin.lat) + 5, 'text-anchor': 'middle' }, String(pin.n)),
    );
    // A shortcut for a pointer: the same choice is in the list, by keyboard too.
    group.addEventListener('click', () => {
      const radio = document.querySelector<HTMLInputElement>(`input[name="report"][value="${CSS.escape(pin.id)}"]`);
      if (!radio) return;
      radio.checked = true;
      radio.focus();
    });
    map.append(group);
  }
  const scaleBar = 100 * scale;
  map.append(
    svg('line', { x1: 12, y1: size - 14, x2: 12 + scaleBar, y2: size - 14, class: 'app-map__scale' }),
    svg('text', { x: 12, y: size - 20, class: 'app-map__label' }, '100 m'),
  );
  const caption = document.createElement('p');
  caption.className = 'govuk-body-s';
  caption.textContent = 'The diamond is the place you chose. The numbers match the reports listed below.';
  container.append(map, caption);
  container.hidden = false;
}

export function initNearbyMaps(): void {
  for (const element of document.querySelectorAll<HTMLElement>('[data-app-map]')) drawNearbyMap(element);
}
