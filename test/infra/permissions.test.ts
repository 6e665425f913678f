import { describePermissions } from './permissions.js';

describePermissions('dev');
describePermissions('prod');
