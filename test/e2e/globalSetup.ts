import { chromiumPath } from '../../example-app/chromium.mjs';

// Fails the run once, up front, with one sentence, rather than every file's beforeAll with a launch log.
export default function checkChromium(): void {
  chromiumPath();
}
