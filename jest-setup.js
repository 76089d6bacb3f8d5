// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// Browsers have MessageChannel, jsdom does not. React 19 schedules its work through one, and its
// react-dom/server (which @grafana/ui 13 imports) opens one when it loads. Node's own would keep
// each test file's worker alive (an open handle), so this one delivers on a timer that was taken
// before any test can fake timers, as a browser's channel ignores jest.useFakeTimers().
if (typeof global.MessageChannel === 'undefined') {
  const setTimer = global.setTimeout.bind(global);
  class Port {
    onmessage = null;
    closed = false;
    postMessage(data) {
      setTimer(() => {
        if (!this.other.closed && this.other.onmessage) {
          this.other.onmessage({ data, target: this.other });
        }
      }, 0);
    }
    addEventListener(type, listener) {
      if (type === 'message') {
        this.onmessage = listener;
      }
    }
    removeEventListener(type, listener) {
      if (type === 'message' && this.onmessage === listener) {
        this.onmessage = null;
      }
    }
    start() {}
    close() {
      this.closed = true;
    }
  }
  global.MessageChannel = class MessageChannel {
    constructor() {
      this.port1 = new Port();
      this.port2 = new Port();
      this.port1.other = this.port2;
      this.port2.other = this.port1;
    }
  };
}

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
