import { definePlugin } from '@nocoflo/sdk';
import { cardsView } from './cards-view.js';

export { cardsView } from './cards-view.js';

/** The plugin: contributes the `cards` view. */
export default definePlugin({ views: [cardsView] });
