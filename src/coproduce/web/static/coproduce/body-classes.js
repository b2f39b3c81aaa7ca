// Runs before first paint so the NHS.UK frontend styles JS-enhanced components.
// A static file rather than an inline script, so the Content-Security-Policy
// can forbid inline scripts.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
