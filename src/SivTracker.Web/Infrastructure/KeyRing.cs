using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using SivTracker.Web.Data;

namespace SivTracker.Web.Infrastructure;

/// <summary>
/// ASP.NET Core Data Protection keys live in the database so that every app instance reads the same key ring
/// (a cookie or antiforgery token made by one instance works on the others). A stolen database alone must not be
/// enough to forge a session, so each key is encrypted with the field encryption key from configuration.
/// </summary>
public static class KeyRing
{
    public static IServiceCollection AddSivKeyRing(this IServiceCollection services)
    {
        services.AddDataProtection()
            .SetApplicationName("SivTracker")
            .PersistKeysToDbContext<AppDbContext>()
            .AddKeyManagementOptions(options => options.XmlEncryptor = new FieldKeyXmlEncryptor());
        return services;
    }
}

public sealed class FieldKeyXmlEncryptor : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var sealedKey = new XElement("sealedKey", FieldProtection.Protect(plaintextElement.ToString(SaveOptions.DisableFormatting)));
        return new EncryptedXmlInfo(sealedKey, typeof(FieldKeyXmlDecryptor));
    }
}

/// <summary>Made by Data Protection through its parameterless constructor when the key ring is read.</summary>
public sealed class FieldKeyXmlDecryptor : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) => XElement.Parse(FieldProtection.Unprotect(encryptedElement.Value));
}
