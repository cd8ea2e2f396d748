// The default theme, with one change for the build: an error while a page is rendered to HTML fails
// `npm run docs:build`. (Vue's production default only logs it, and the build would end "complete" with a
// broken page.) In the browser nothing changes.
import { inBrowser, type Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import './status.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    if (!inBrowser) app.config.throwUnhandledErrorInProduction = true;
  },
} satisfies Theme;
