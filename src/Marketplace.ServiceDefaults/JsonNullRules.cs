using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Marketplace.ServiceDefaults;

/// <summary>
/// The API's JSON binding takes the request types' nullability at its word: a JSON null where a property, or an element
/// of a list, is declared non-nullable is refused with the field's path (a 400 from <see cref="BadRequestProblems"/>)
/// instead of reaching an endpoint that never expected it. Answers are written as leniently as before.
/// </summary>
public static class JsonNullRules
{
    public static void Apply(JsonSerializerOptions options)
    {
        options.RespectNullableAnnotations = true;
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(Modify);
    }

    private static void Modify(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (!property.PropertyType.IsValueType || Nullable.GetUnderlyingType(property.PropertyType) is not null)
                property.IsGetNullable = true;
            if (property.CustomConverter is null && NonNullElementType(property) is { } element)
                property.CustomConverter = (JsonConverter)Activator.CreateInstance(typeof(NonNullElements<,>).MakeGenericType(property.PropertyType, element))!;
        }
    }

    /// <summary>The element type of a list or array property whose elements are declared non-nullable references, else null.</summary>
    private static Type? NonNullElementType(JsonPropertyInfo property)
    {
        var context = new NullabilityInfoContext();
        var info = property.AttributeProvider switch
        {
            PropertyInfo p => context.Create(p),
            FieldInfo f => context.Create(f),
            _ => null,
        };
        var element = info?.ElementType ?? (info?.GenericTypeArguments is [var single] ? single : null);
        if (element is not { ReadState: NullabilityState.NotNull } || element.Type.IsValueType) return null;
        var list = typeof(List<>).MakeGenericType(element.Type);
        return property.PropertyType.IsArray || property.PropertyType.IsAssignableFrom(list) ? element.Type : null;
    }

    private sealed class NonNullElements<TList, T> : JsonConverter<TList> where T : class
    {
        public override TList? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            List<T?> list;
            try
            {
                list = JsonSerializer.Deserialize<List<T?>>(ref reader, options) ?? [];
            }
            catch (JsonException e)
            {
                // The nested read knows only the path inside the list; without a path of its own the refusal names the list.
                throw new JsonException(e.Message, e);
            }
            for (var i = 0; i < list.Count; i++)
                if (list[i] is null) throw new JsonException($"element {i} is null");
            return (TList)(object)(typeof(TList).IsArray ? list.ToArray() : list);
        }

        public override void Write(Utf8JsonWriter writer, TList value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value, options);
    }
}
