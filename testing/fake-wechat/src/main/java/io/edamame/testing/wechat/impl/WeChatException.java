package io.edamame.testing.wechat.impl;

/** Ends the handling of a request with a WeChat error answer: HTTP 200 and {@code {"errcode", "errmsg"}}. */
final class WeChatException extends Exception {

  private static final long serialVersionUID = 1L;

  final int errcode;

  WeChatException(int errcode) {
    super(WeChatErrors.message(errcode), null, false, false);
    this.errcode = errcode;
  }
}
