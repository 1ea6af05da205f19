package io.edamame.wechat.impl.portal;

import io.edamame.core.api.EdamameException;
import io.edamame.wechat.api.WeChatErrorCode;
import io.edamame.wechat.impl.TenantWeChat;
import io.edamame.wechat.impl.WeChatConfig;
import io.edamame.wechat.impl.client.ServiceAccountClient;
import io.edamame.wechat.impl.store.WeChatStore;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import me.chanjar.weixin.mp.bean.message.WxMpXmlMessage;
import me.chanjar.weixin.mp.bean.message.WxMpXmlOutMessage;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks of the service account's message endpoint, in the order that keeps forgeries cheap: the signature
 * (SHA-1 of the sorted token, timestamp and nonce; in safe mode also over the ciphertext), the timestamp within
 * the allowed skew, then the nonce, accepted once in the whole cluster. Only then is the message decrypted,
 * parsed and handled. Any failure answers an error and processes nothing.
 */
public final class MessageEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(MessageEndpoint.class);

    private static final Pattern ECHOSTR = Pattern.compile("[A-Za-z0-9_\\-]{1,128}");
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_\\-]{1,64}");
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,12}");

    /** What to answer: a body and its content type. */
    public record Answer(String contentType, String body) {
        static Answer text(String body) {
            return new Answer("text/plain;charset=UTF-8", body);
        }

        static Answer xml(String body) {
            return new Answer("application/xml;charset=UTF-8", body);
        }
    }

    private final WeChatStore store;
    private final PortalMessages messages;
    private final WeChatConfig config;
    private final Clock clock;

    public MessageEndpoint(WeChatStore store, PortalMessages messages, WeChatConfig config, Clock clock) {
        this.store = store;
        this.messages = messages;
        this.config = config;
        this.clock = clock;
        // WxJava's XStream resolves its message classes with the loader it captured first, by default the first
        // caller's context class loader, which inside OSGi (a Jetty thread) cannot see this bundle's classes.
        me.chanjar.weixin.common.util.xml.XStreamInitializer.setClassLoader(WxMpXmlMessage.class.getClassLoader());
    }

    /** WeChat's check of the server URL: echoes {@code echostr} when the signature is right. */
    public Answer verify(TenantWeChat.ServiceAccount account, PortalRequest request) {
        checkSignature(account, request);
        checkTimestamp(request);
        String echostr = request.param("echostr");
        if (echostr == null || !ECHOSTR.matcher(echostr).matches()) {
            throw malformed("echostr is missing or not what WeChat sends");
        }
        return Answer.text(echostr);
    }

    /** A pushed message: checked, recorded, answered. */
    public Answer receive(long tenantId, TenantWeChat settings, TenantWeChat.ServiceAccount account,
                          ServiceAccountClient client, PortalRequest request) {
        checkSignature(account, request);
        long timestamp = checkTimestamp(request);
        boolean safeMode = "aes".equalsIgnoreCase(request.param("encrypt_type"));
        String xml;
        if (safeMode) {
            if (account.aesKey() == null) {
                throw malformed("safe mode needs the EncodingAESKey in the tenant's settings (mpAesKey)");
            }
            String encrypted = element(request.body(), "Encrypt")
                    .orElseThrow(() -> malformed("no Encrypt element"));
            String msgSignature = request.param("msg_signature");
            if (msgSignature == null || !constantTimeEquals(msgSignature,
                    sha1(account.token(), request.param("timestamp"), request.param("nonce"), encrypted))) {
                throw new EdamameException(WeChatErrorCode.INVALID_SIGNATURE, "msg_signature does not match");
            }
            acceptNonce(account, request, timestamp);
            xml = decrypt(encrypted, account.aesKey(), account.appId());
        } else {
            acceptNonce(account, request, timestamp);
            xml = request.body();
        }
        WxMpXmlMessage message = parse(xml);
        Optional<WxMpXmlOutMessage> reply = messages.handle(tenantId, settings, account, message);
        if (reply.isEmpty()) {
            return Answer.text("success");
        }
        return Answer.xml(safeMode ? reply.get().toEncryptedXml(client.getWxMpConfigStorage()) : reply.get().toXml());
    }

    private void checkSignature(TenantWeChat.ServiceAccount account, PortalRequest request) {
        String signature = request.param("signature");
        String timestamp = request.param("timestamp");
        String nonce = request.param("nonce");
        if (signature == null || timestamp == null || nonce == null
                || !constantTimeEquals(signature, sha1(account.token(), timestamp, nonce))) {
            throw new EdamameException(WeChatErrorCode.INVALID_SIGNATURE, "The signature does not match");
        }
    }

    private long checkTimestamp(PortalRequest request) {
        String timestamp = request.param("timestamp");
        if (!TIMESTAMP.matcher(timestamp).matches()) {
            throw new EdamameException(WeChatErrorCode.STALE_MESSAGE, "The timestamp is not a time");
        }
        long seconds = Long.parseLong(timestamp);
        if (Math.abs(clock.millis() / 1000 - seconds) > config.portal_max_skew_seconds()) {
            throw new EdamameException(WeChatErrorCode.STALE_MESSAGE,
                    "The timestamp is more than " + config.portal_max_skew_seconds() + " s from now");
        }
        return seconds;
    }

    private void acceptNonce(TenantWeChat.ServiceAccount account, PortalRequest request, long timestamp) {
        String nonce = request.param("nonce");
        if (!NONCE.matcher(nonce).matches()) {
            throw malformed("the nonce is not what WeChat sends");
        }
        long now = clock.millis();
        long window = 2L * config.portal_max_skew_seconds() * 1000;
        // A nonce is unique with its timestamp: WeChat may reuse a nonce at another second.
        if (!store.acceptNonce("portal:" + account.appId(), timestamp + ":" + nonce, now, now - window)) {
            throw new EdamameException(WeChatErrorCode.REPLAYED_MESSAGE, "This message was already received");
        }
    }

    /**
     * The message inside WeChat's ciphertext, as WeChat's message encryption defines it: AES-256-CBC with the key
     * Base64(EncodingAESKey + "=") and its first 16 bytes as IV; inside, 16 random bytes, the message's length (4
     * bytes, big-endian), the message (UTF-8) and the appid, padded PKCS#7-style to a multiple of 32 bytes. Not
     * WxJava 4.7.0's WxCryptUtil.decrypt, which trusts the length it reads (a ciphertext made with another key, e.g.
     * after the key was changed on WeChat's side only, makes it allocate up to 2 GB) and does not check the appid.
     */
    static String decrypt(String encrypted, String aesKey, String appId) {
        byte[] plain;
        try {
            byte[] key = Base64.getDecoder().decode(aesKey + "=");
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(key, 0, 16));
            plain = cipher.doFinal(Base64.getDecoder().decode(encrypted));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw malformed("the message does not decrypt with the tenant's EncodingAESKey");
        }
        int pad = plain.length == 0 ? 0 : plain[plain.length - 1] & 0xff;
        int end = plain.length - pad;
        if (pad < 1 || pad > 32 || end < 20) {
            throw malformed("the message does not decrypt with the tenant's EncodingAESKey");
        }
        int length = ByteBuffer.wrap(plain, 16, 4).getInt();
        if (length < 0 || length > end - 20
                || !appId.equals(new String(plain, 20 + length, end - 20 - length, StandardCharsets.UTF_8))) {
            throw malformed("the message does not decrypt with the tenant's EncodingAESKey, or is not for its app");
        }
        return new String(plain, 20, length, StandardCharsets.UTF_8);
    }

    private static WxMpXmlMessage parse(String xml) {
        if (xml == null || xml.isBlank()) {
            throw malformed("the body is empty");
        }
        // Well-formed and without a DOCTYPE, checked by a parser that resolves nothing, before WxJava reads it.
        if (!wellFormed(xml)) {
            throw malformed("the body is not well-formed XML");
        }
        WxMpXmlMessage message;
        try {
            message = WxMpXmlMessage.fromXml(xml);
        } catch (RuntimeException e) {
            // Well-formed XML that WxJava cannot read: a stranger message, or WxJava failing inside OSGi.
            LOG.warn("WECHAT message endpoint: well-formed XML not read as a message: {}", e.toString());
            throw malformed("the body is not a WeChat message");
        }
        if (message.getMsgType() == null || message.getFromUser() == null || message.getToUser() == null) {
            throw malformed("ToUserName, FromUserName and MsgType are required");
        }
        return message;
    }

    private static boolean wellFormed(String xml) {
        return document(xml).isPresent();
    }

    private static Optional<String> element(String xml, String name) {
        return document(xml).flatMap(document -> {
            NodeList nodes = document.getDocumentElement().getElementsByTagName(name);
            return nodes.getLength() == 1 ? Optional.of(((Element) nodes.item(0)).getTextContent().trim())
                    : Optional.empty();
        });
    }

    private static Optional<Document> document(String xml) {
        if (xml == null) {
            return Optional.empty();
        }
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            factory.setXIncludeAware(false);
            var builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return Optional.of(builder.parse(new InputSource(new StringReader(xml))));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    static String sha1(String... parts) {
        String[] sorted = parts.clone();
        Arrays.sort(sorted);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(String.join("", sorted).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8),
                b.getBytes(StandardCharsets.UTF_8));
    }

    private static EdamameException malformed(String why) {
        return new EdamameException(WeChatErrorCode.MALFORMED_MESSAGE, "Malformed message: " + why);
    }
}
