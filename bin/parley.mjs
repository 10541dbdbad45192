#!/usr/bin/env node
// Parley's command line. Sources are TypeScript run through tsx's loader, so the
// command works straight after `npm install` with no separate compile step.
import { register } from 'tsx/esm/api';

register();
await import('../apps/server/src/cli/main.ts');
