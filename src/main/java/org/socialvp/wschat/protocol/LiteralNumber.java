package org.socialvp.wschat.protocol;

import jakarta.json.JsonNumber;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A JSON number that remembers the exact text it was written with.
 *
 * <p>Relayed payloads must arrive exactly as sent. A number parsed into a {@code BigDecimal}
 * keeps its digits but not its spelling ({@code 1e5} would come back as {@code 1E+5},
 * {@code -0} as {@code 0}); JSON generators write a {@link JsonNumber} through its
 * {@link #toString()}, so keeping the literal keeps the payload byte for byte. The numeric
 * accessors parse lazily and are only used if someone inspects the value.
 */
final class LiteralNumber implements JsonNumber {

    private final String literal;

    LiteralNumber(String literal) {
        this.literal = literal;
    }

    @Override
    public BigDecimal bigDecimalValue() {
        return new BigDecimal(literal);
    }

    @Override
    public boolean isIntegral() {
        return bigDecimalValue().scale() == 0;
    }

    @Override
    public int intValue() {
        return bigDecimalValue().intValue();
    }

    @Override
    public int intValueExact() {
        return bigDecimalValue().intValueExact();
    }

    @Override
    public long longValue() {
        return bigDecimalValue().longValue();
    }

    @Override
    public long longValueExact() {
        return bigDecimalValue().longValueExact();
    }

    @Override
    public BigInteger bigIntegerValue() {
        return bigDecimalValue().toBigInteger();
    }

    @Override
    public BigInteger bigIntegerValueExact() {
        return bigDecimalValue().toBigIntegerExact();
    }

    @Override
    public double doubleValue() {
        return bigDecimalValue().doubleValue();
    }

    @Override
    public ValueType getValueType() {
        return ValueType.NUMBER;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JsonNumber number && bigDecimalValue().equals(number.bigDecimalValue());
    }

    @Override
    public int hashCode() {
        return bigDecimalValue().hashCode();
    }

    @Override
    public String toString() {
        return literal;
    }
}
