// The player builds its few overlays by hand (no framework on a kiosk): a div with a class and text.
export const el = (className: string, text = '') => Object.assign(document.createElement('div'), { className, textContent: text });
