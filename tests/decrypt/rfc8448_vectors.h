#pragma once
// RFC 8448 section 3 ("Simple 1-RTT Handshake"): the values our tests check against, copied
// from the RFC's trace (hex, as printed there without spaces). TLS_AES_128_GCM_SHA256.

namespace fp::decrypt::rfc8448 {

inline constexpr const char* kClientRandom =
    "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7";
inline constexpr const char* kClientHandshakeSecret =
    "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21";
inline constexpr const char* kServerHandshakeSecret =
    "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38";
inline constexpr const char* kClientApplicationSecret =
    "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5";
inline constexpr const char* kServerApplicationSecret =
    "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643";
// {server} derive write traffic keys for handshake data
inline constexpr const char* kServerHandshakeKey = "3fce516009c21727d0f2e4e86ee403bc";
inline constexpr const char* kServerHandshakeIv = "5d313eb2671276ee13000b30";
// {client} derive write traffic keys for handshake data
inline constexpr const char* kClientHandshakeKey = "dbfaa693d1762c5b666af5d950258d01";
inline constexpr const char* kClientHandshakeIv = "5bd3c71b836e0b76bb73265f";
// {server} derive write traffic keys for application data
inline constexpr const char* kServerApplicationKey = "9f02283b6c9c07efc26bb9f2ac92e356";
inline constexpr const char* kServerApplicationIv = "cf782b88dd83549aadf1e984";

// The ClientHello and ServerHello handshake messages (with their 4-byte headers).
inline constexpr const char* kClientHello =
    "010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7000006130113031302"
    "010000910000000b0009000006736572766572ff01000100000a00140012001d001700180019010001010102010301"
    "0"
    "400230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c0"
    "0"
    "2b0003020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d000201"
    "0"
    "1001c00024001";
inline constexpr const char* kServerHello =
    "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e003300"
    "24001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304";
// {client} send handshake record (58 octets): the client's Finished, protected with the client
// handshake keys (sequence number 0), and the Finished message it holds.
inline constexpr const char* kClientFinishedRecord =
    "170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f38f80338ac98fc46deb384"
    "bd1caeacab6867d726c40546";
inline constexpr const char* kClientFinished =
    "14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61";

}  // namespace fp::decrypt::rfc8448
