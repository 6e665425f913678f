// Enhancement only: every page works without this script.
import { initAll } from 'govuk-frontend';
import { enhanceUploads } from './uploads.js';

initAll();
enhanceUploads();
