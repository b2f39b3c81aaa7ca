// Initialise the NHS.UK frontend components (ES module build, vendored).
import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

initAll();
