/**
 * The end tags written in an HTML source, found with parse5's own tokenizer. parse5 reports
 * tokenizer errors only, so an end tag that closes nothing (`</div>` with no open div) is
 * dropped silently by the tree builder; comparing these tokens with the end tags the tree
 * kept finds them.
 */
import { type Token, Tokenizer, TokenizerMode } from 'parse5';

/** One end tag token: name and source offset. */
export interface EndTagToken {
  readonly name: string;
  readonly startOffset: number;
  readonly line: number;
  readonly col: number;
}

// After these start tags the tree builder switches the tokenizer into a text mode; a bare
// tokenizer must do the same or it would read `</b>` inside a script as an end tag.
const TEXT_MODES: Record<string, (typeof TokenizerMode)[keyof typeof TokenizerMode]> = {
  script: TokenizerMode.SCRIPT_DATA,
  style: TokenizerMode.RAWTEXT,
  xmp: TokenizerMode.RAWTEXT,
  iframe: TokenizerMode.RAWTEXT,
  noembed: TokenizerMode.RAWTEXT,
  noframes: TokenizerMode.RAWTEXT,
  textarea: TokenizerMode.RCDATA,
  title: TokenizerMode.RCDATA,
  plaintext: TokenizerMode.PLAINTEXT,
};

/** Every end tag token of `html`, in source order. */
export function endTagTokens(html: string): EndTagToken[] {
  const found: EndTagToken[] = [];
  const ignore = () => {};
  const tokenizer: Tokenizer = new Tokenizer(
    { sourceCodeLocationInfo: true },
    {
      onStartTag(token: Token.TagToken) {
        const mode = TEXT_MODES[token.tagName];
        if (mode !== undefined && !token.selfClosing) tokenizer.state = mode;
      },
      onEndTag(token: Token.TagToken) {
        if (token.location) {
          found.push({
            name: token.tagName,
            startOffset: token.location.startOffset,
            line: token.location.startLine,
            col: token.location.startCol,
          });
        }
      },
      onComment: ignore,
      onDoctype: ignore,
      onEof: ignore,
      onCharacter: ignore,
      onNullCharacter: ignore,
      onWhitespaceCharacter: ignore,
    },
  );
  tokenizer.write(html, true);
  return found;
}
