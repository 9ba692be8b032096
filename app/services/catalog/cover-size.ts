/** A cover's size in CSS pixels, shared by the drawing and the pages that show it. */
export const COVER_WIDTH = 400;
export const COVER_HEIGHT = 240;
