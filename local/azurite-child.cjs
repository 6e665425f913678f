'use strict';
// Runs Azurite's blob service as a child that exits when its parent does: the IPC
// channel closes when the parent process ends, however it ends.
const main = process.argv.splice(2, 1)[0];
process.on('disconnect', () => process.exit(0));
require(main);
