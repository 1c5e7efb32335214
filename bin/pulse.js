#!/usr/bin/env node
// The `pulse` command runs the compiled CLI; `npm install` builds it (see the prepare script).
require('../dist/src/cli/main.js');
