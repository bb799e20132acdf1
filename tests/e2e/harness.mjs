// What every end-to-end test file shares: the app's URL and screenshot folder (set by
// `cargo xtask e2e`), Debian's Chromium launched through playwright-core, and screenshots.
// Not a test file itself (xtask runs `*.test.mjs` only).
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.env.NODE_PATH ?? '', 'x.js'));
const { chromium } = require('playwright-core');

export const URL = process.env.SCHEMASIM_URL ?? 'http://127.0.0.1:8080/';
export const SHOTS = process.env.SCHEMASIM_SCREENSHOTS ?? 'target/e2e';

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

export const shot = (page, name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
