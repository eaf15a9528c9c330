using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace SivTracker.Web.Data;

/// <summary>
/// The keys for field encryption and blind indexes, from configuration or a key file, never from the database.
/// Keys are 32 random bytes in base64; each encrypted value names its key, so keys can rotate.
/// </summary>
public sealed class FieldKeys
{
    public required IReadOnlyDictionary<string, byte[]> Keys { get; init; }
    public required string CurrentKeyId { get; init; }
    public required byte[] IndexKey { get; init; }

    /// <summary>
    /// A short fingerprint of the index key, stored with every index value: after the key is replaced, rotate-keys
    /// finds the values made with the old one, and nothing about the key itself is revealed.
    /// </summary>
    public string IndexKeyId => Convert.ToHexStringLower(SHA256.HashData(IndexKey))[..8];

    /// <summary>The keys in use. Static because EF Core value converters are part of a model that is built once.</summary>
    public static FieldKeys? Current { get; set; }

    public sealed record KeyFile(Dictionary<string, string> Keys, string CurrentKeyId, string IndexKey);

    public static FieldKeys Load(IConfiguration configuration)
    {
        var section = configuration.GetSection("FieldEncryption");
        KeyFile? file = null;
        var path = section["KeyFile"] ?? FindLocalKeyFile();
        if (path is not null)
        {
            file = JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(path), new JsonSerializerOptions { PropertyNameCaseInsensitive = true });
        }
        var keys = section.GetSection("Keys").GetChildren().ToDictionary(k => k.Key, k => k.Value!) is { Count: > 0 } configured ? configured : file?.Keys ?? [];
        var current = section["CurrentKeyId"] ?? file?.CurrentKeyId;
        var index = section["IndexKey"] ?? file?.IndexKey;
        if (keys.Count == 0 || current is null || index is null || !keys.ContainsKey(current))
        {
            throw new InvalidOperationException(
                "Field encryption keys are missing. Set FieldEncryption__KeyFile to a key file (scripts/run.sh makes one in .data/), " +
                "or FieldEncryption__Keys__<id>, FieldEncryption__CurrentKeyId and FieldEncryption__IndexKey. Keep them outside the database and its backups.");
        }
        return new FieldKeys
        {
            Keys = keys.ToDictionary(k => k.Key, k => Decode(k.Value)),
            CurrentKeyId = current,
            IndexKey = Decode(index),
        };
    }

    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static byte[] Decode(string base64) =>
        Convert.FromBase64String(base64) is { Length: 32 } key ? key : throw new InvalidOperationException("Field encryption keys must be 32 bytes, base64-encoded.");

    /// <summary>The key file scripts/run.sh makes, found from the working directory like the local connection string.</summary>
    private static string? FindLocalKeyFile()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, ".data", "field-keys.json");
            if (File.Exists(file)) return file;
        }
        return null;
    }
}

/// <summary>
/// AES-256-GCM for the identifiers that could get someone found (tazkira, passport and phone numbers, emails,
/// locations, safety notes), and a keyed HMAC blind index beside the searchable ones, so exact search and duplicate
/// detection work while a database dump alone reveals none of them.
/// </summary>
public static class FieldProtection
{
    private const string Prefix = "enc:";

    private static FieldKeys Keys => FieldKeys.Current ?? throw new InvalidOperationException("Field encryption keys are not loaded.");

    public static string Protect(string plain)
    {
        var keys = Keys;
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var data = Encoding.UTF8.GetBytes(plain);
        var cipher = new byte[data.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        CipherFor(keys, keys.CurrentKeyId).Encrypt(nonce, data, cipher, tag, Encoding.UTF8.GetBytes(keys.CurrentKeyId));
        return $"{Prefix}{keys.CurrentKeyId}:{Convert.ToBase64String([.. nonce, .. tag, .. cipher])}";
    }

    /// <summary>Values written before encryption was switched on read as they are, until rotate-keys encrypts them.</summary>
    public static string Unprotect(string stored)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal)) return stored;
        var parts = stored.Split(':', 3);
        var keys = Keys;
        if (!keys.Keys.ContainsKey(parts[1]))
        {
            throw new CryptographicException($"The field was encrypted with key '{parts[1]}', which is not configured.");
        }
        var bytes = Convert.FromBase64String(parts[2]);
        var nonce = bytes.AsSpan(0, 12);
        var tag = bytes.AsSpan(12, 16);
        var cipher = bytes.AsSpan(28);
        var plain = new byte[cipher.Length];
        CipherFor(keys, parts[1]).Decrypt(nonce, cipher, tag, plain, Encoding.UTF8.GetBytes(parts[1]));
        return Encoding.UTF8.GetString(plain);
    }

    // Setting up a cipher costs more than sealing a short name with it, and a page decrypts hundreds of values, so
    // each thread keeps one per key (an AesGcm is not safe to share between threads) until the key ring changes.
    [ThreadStatic] private static (FieldKeys Keys, Dictionary<string, AesGcm> Ciphers)? threadCiphers;

    private static AesGcm CipherFor(FieldKeys keys, string keyId)
    {
        if (threadCiphers is not { } cached || !ReferenceEquals(cached.Keys, keys))
        {
            if (threadCiphers is { } stale) foreach (var cipher in stale.Ciphers.Values) cipher.Dispose();
            cached = (keys, new Dictionary<string, AesGcm>(StringComparer.Ordinal));
            threadCiphers = cached;
        }
        if (!cached.Ciphers.TryGetValue(keyId, out var aes))
        {
            aes = new AesGcm(keys.Keys[keyId], AesGcm.TagByteSizes.MaxSize);
            cached.Ciphers[keyId] = aes;
        }
        return aes;
    }

    public static string KeyIdOf(string stored) => stored.StartsWith(Prefix, StringComparison.Ordinal) ? stored.Split(':', 3)[1] : "";

    /// <summary>Deterministic, so equal values match; keyed, so the index cannot be recomputed from a guess without the key.</summary>
    public static string BlindIndex(string value)
    {
        var keys = Keys;
        return $"{IndexPrefix}{keys.IndexKeyId}:{Convert.ToBase64String(HMACSHA256.HashData(keys.IndexKey, Encoding.UTF8.GetBytes(value)))}";
    }

    public const string IndexPrefix = "hmac:";

    /// <summary>The stored form every index value made with the current index key starts with.</summary>
    public static string CurrentIndexPrefix => $"{IndexPrefix}{Keys.IndexKeyId}:";

    public static readonly ValueConverter<string, string> Encrypted = new SealedConverter<string>(v => Protect(v), v => Unprotect(v));

    /// <summary>Dates are sealed in ISO form; one written before sealing (a plain date cast to text) reads the same.</summary>
    public static readonly ValueConverter<DateOnly, string> EncryptedDate = new SealedConverter<DateOnly>(
        v => Protect(v.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        v => DateOnly.ParseExact(Unprotect(v), "yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary>Enums are sealed by name, as they were stored in clear.</summary>
    public static ValueConverter<TEnum, string> EncryptedEnum<TEnum>() where TEnum : struct, Enum =>
        new SealedConverter<TEnum>(v => Protect(v.ToString()), v => Enum.Parse<TEnum>(Unprotect(v)));

    /// <summary>The converter for a <see cref="Domain.SealedAttribute"/> property of this type.</summary>
    public static ValueConverter SealedConverterFor(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return Encrypted;
        if (type == typeof(DateOnly)) return EncryptedDate;
        if (type.IsEnum) return (ValueConverter)typeof(FieldProtection).GetMethod(nameof(EncryptedEnum))!.MakeGenericMethod(type).Invoke(null, null)!;
        throw new NotSupportedException($"Sealing {type.Name} values is not supported.");
    }

    private sealed class SealedConverter<T>(
        System.Linq.Expressions.Expression<Func<T, string>> toStore,
        System.Linq.Expressions.Expression<Func<string, T>> fromStore) : ValueConverter<T, string>(toStore, fromStore);

    /// <summary>
    /// Search tokens (NameSearch) are stored as 32-bit keyed hashes, sorted, after one value that identifies the key,
    /// so rotate-keys finds rows hashed with an earlier one. One way, like a blind index: what is read back are the
    /// hashes, which are written again unchanged.
    /// </summary>
    public static readonly ValueConverter<string[], int[]> SearchHashed = new(
        v => StoredSearchHashes(v),
        v => v.Select(h => HashedTokenPrefix + h.ToString(CultureInfo.InvariantCulture)).ToArray());

    private const string HashedTokenPrefix = "#";

    public static int[] StoredSearchHashes(string[] tokens) =>
        tokens.Length > 0 && tokens[0].StartsWith(HashedTokenPrefix, StringComparison.Ordinal)
            ? tokens.Select(t => int.Parse(t.AsSpan(HashedTokenPrefix.Length), CultureInfo.InvariantCulture)).ToArray()
            : [SearchKeyCheck, .. SearchHashes(tokens).Order()];

    /// <summary>The hashes of search tokens, for a query to compare with the stored ones.</summary>
    public static int[] SearchHashes(IEnumerable<string> tokens) => tokens.Select(SearchHash).Distinct().ToArray();

    private static int SearchHash(string token) =>
        BitConverter.ToInt32(HMACSHA256.HashData(Keys.IndexKey, Encoding.UTF8.GetBytes("search|" + token)), 0);

    /// <summary>The first stored value of every row hashed with the current index key.</summary>
    public static int SearchKeyCheck => SearchHash("key-check");

    public static readonly ValueComparer<string[]> TokensComparer = new(
        (a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (hash, token) => HashCode.Combine(hash, token)), v => v.ToArray());

    /// <summary>One way: a lookup column is only ever compared, never shown.</summary>
    public static readonly ValueConverter<string, string> Indexed = new(v => v.StartsWith(IndexPrefix) ? v : BlindIndex(v), v => v);

    /// <summary>Stored through <see cref="Encrypted"/>: how key rotation finds the encrypted columns in the model.</summary>
    public static bool IsSealed(IReadOnlyProperty property) => property.GetValueConverter()?.GetType() is { IsGenericType: true } type
        && type.GetGenericTypeDefinition() == typeof(SealedConverter<>);

    /// <summary>Stored through <see cref="SearchHashed"/>.</summary>
    public static bool IsSearchHash(IReadOnlyProperty property) => ReferenceEquals(property.GetValueConverter(), SearchHashed);

    /// <summary>Stored through <see cref="Indexed"/>: a lookup column beside an encrypted one.</summary>
    public static bool IsBlindIndex(IReadOnlyProperty property) => ReferenceEquals(property.GetValueConverter(), Indexed);
}
