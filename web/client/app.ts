// Enhancement only: every page works without this script.
import { initAll } from 'govuk-frontend';
import { enhanceUploads } from './uploads.js';
import { initNearbyMaps } from './nearby-map.js';
import { initPickMaps } from './pick-map.js';

initAll();
enhanceUploads();
initNearbyMaps();
initPickMaps();
