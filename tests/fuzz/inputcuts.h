// Where to cut one fuzz input into the pieces a socket might deliver it in.
//
// The cut sizes are read from the input's own bytes (from the end backwards,
// as FuzzedDataProvider reads its integers), but unlike FuzzedDataProvider no
// byte is taken away from the stream: the whole input is still fed. A seed
// file therefore stays a plain, meaningful stream (a valid frame is a valid
// frame), and the fuzzer still chooses the cuts by mutating bytes.
#pragma once

#include <QByteArrayView>

namespace Tincan::Fuzz {

class InputCuts
{
public:
    explicit InputCuts(QByteArrayView input)
        : m_input(input)
        , m_next(input.size() - 1)
    {
    }

    // Size of the next piece, given how many bytes are left to feed. Never
    // more than `left`; 0 stands for an empty read. Once the cut bytes run
    // out, the rest comes in one piece, so a loop always ends.
    qsizetype next(qsizetype left)
    {
        if (m_next < 0)
            return left;
        const quint8 byte = quint8(m_input[m_next--]);
        m_last = byte;
        // Mostly small pieces (0..15 bytes: every split of a prefix or a
        // header), sometimes large ones (up to 4 KiB) so long inputs get
        // through quickly.
        const qsizetype size
            = byte < LargePieceMarker ? byte % SmallPieceModulus : (byte - LargePieceMarker + 1) * LargePieceUnit;
        return size < left ? size : left;
    }

    // A bit of the byte that chose the last piece, which its size does not
    // use up (a small piece uses the low four bits): one more choice.
    bool lastFlag() const { return (m_last & FlagBit) != 0; }

private:
    static constexpr quint8 LargePieceMarker = 0xC0;
    static constexpr qsizetype SmallPieceModulus = 16;
    static constexpr qsizetype LargePieceUnit = 64;
    static constexpr quint8 FlagBit = 0x10;

    QByteArrayView m_input;
    qsizetype m_next;
    quint8 m_last = 0;
};

} // namespace Tincan::Fuzz
