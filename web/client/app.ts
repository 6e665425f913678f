// Enhancement only: every page works without this script.
import { initAll } from 'govuk-frontend';
import { initNearbyMaps } from './nearby-map.js';

initAll();
initNearbyMaps();
