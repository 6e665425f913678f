/**
 * The function app's entry point (`main` in package.json): importing a module
 * registers its functions with the host.
 */
import './health.js';
