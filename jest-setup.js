// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// Combobox/MultiCombobox measure text on a canvas and virtualise their menus by element size;
// jsdom has neither, so give them a fixed-size world to render options in.
HTMLCanvasElement.prototype.getContext = () => ({
  measureText: (text) => ({ width: String(text).length * 8, actualBoundingBoxAscent: 10, actualBoundingBoxDescent: 2 }),
});
for (const dimension of ['clientWidth', 'clientHeight', 'offsetWidth', 'offsetHeight']) {
  Object.defineProperty(HTMLElement.prototype, dimension, { configurable: true, get: () => 400 });
}
Object.defineProperty(Element.prototype, 'getBoundingClientRect', {
  configurable: true,
  value: () => ({ width: 400, height: 400, top: 0, left: 0, bottom: 400, right: 400, x: 0, y: 0, toJSON: () => {} }),
});
// Combobox menus show scroll shadows through IntersectionObserver, also missing from jsdom.
global.IntersectionObserver = class {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
};
